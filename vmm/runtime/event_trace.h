// A run's events in order — the shadow MMU's events and the guest's marks —
// so that two runs can be compared exactly (docs/scheduling.md,
// "Determinism"). Nothing here depends on host time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shadow_mmu/events.h"

namespace shadowtlb::vmm {

// Events kept in a trace: a run that makes more keeps the first ones.
inline constexpr std::size_t kMaxTraceEvents = 1'000'000;

// One event, compact: what the model reported minus LRU bookkeeping.
struct TraceEvent {
  enum class Source : std::uint8_t { mmu, mark };
  Source source = Source::mmu;
  mmu::EventKind kind = mmu::EventKind::fill;              // mmu events
  mmu::HazardKind hazard = mmu::HazardKind::stale_write;   // kind == hazard
  std::uint8_t entry_flags = 0;  // the TLB entry's W U X D G stale bits (kEntry*)
  std::uint32_t name = 0;        // marks: index into EventTrace::names
  std::uint32_t vcpu = 0;
  std::uint32_t initiator = 0;
  std::uint64_t seq = 0;         // the model's event number; 0 for marks
  std::uint64_t va = 0, pa = 0, old_value = 0;
  std::uint64_t new_value = 0;   // marks: the mark's value
  std::uint64_t npages = 0, rip = 0, cause = 0;
  std::uint64_t entry_va = 0, entry_frame = 0, entry_leaf = 0;

  bool operator==(const TraceEvent&) const = default;
};

inline constexpr std::uint8_t kEntryWritable = 1, kEntryUser = 2, kEntryExecutable = 4,
                              kEntryDirty = 8, kEntryGlobal = 16, kEntryStale = 32;

struct EventTrace {
  std::vector<TraceEvent> events;
  std::vector<std::string> names;  // mark names, by TraceEvent::name
  bool truncated = false;          // the run made more than kMaxTraceEvents

  bool operator==(const EventTrace&) const = default;
};

// One line for a person: "#12 fill vCPU 1 va 0x... pa 0x..." or "mark 'x' vCPU 0 (0x5)".
[[nodiscard]] std::string format_trace_event(const EventTrace& trace, const TraceEvent& event);
// The index of the first event where the traces differ (one being shorter
// counts), or nullopt when they are equal.
[[nodiscard]] std::optional<std::size_t> first_difference(const EventTrace& a, const EventTrace& b);

// Sits between the shadow MMU and the hazard log: forwards every event and,
// when keeping a trace, records it. Marks come from the machine.
class TraceRecorder final : public mmu::EventSink {
 public:
  TraceRecorder(mmu::EventSink* next, bool keep) : next_(next), keep_(keep) {}

  void on_event(const mmu::Event& event) override;
  void add_mark(unsigned vcpu, std::string_view name, std::uint64_t value);
  // The trace so far; call once the vCPUs have stopped.
  [[nodiscard]] EventTrace take();

 private:
  void append(const TraceEvent& event);  // under mutex_

  mmu::EventSink* next_;
  const bool keep_;
  std::mutex mutex_;  // marks and model events arrive on different vCPU threads
  EventTrace trace_;
  std::map<std::string, std::uint32_t, std::less<>> name_ids_;
};

}  // namespace shadowtlb::vmm
