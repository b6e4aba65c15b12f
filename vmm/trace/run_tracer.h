// What a traced run sends to its trace file: every shadow-MMU event (as an
// EventSink in the machine's chain), every mark and hypercall, shootdown
// acknowledgements, and TLB snapshots at --snapshot-at marks. Without a
// writer it only forwards events down the chain.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abi/hypercall.h"
#include "shadow_mmu/events.h"
#include "vmm/runtime/run_result.h"
#include "vmm/trace/instruction_cache.h"
#include "vmm/trace/trace_writer.h"

namespace shadowtlb::trace {

class RunTracer final : public mmu::EventSink {
 public:
  // `writer` may be null (no --trace). `next` gets every event after it is written.
  RunTracer(TraceWriter* writer, mmu::EventSink* next, const PhysMemory& memory,
            GuestPhysAddr code_root, std::vector<std::string> snapshot_at);

  [[nodiscard]] bool active() const { return writer_ != nullptr; }

  // Under the model's lock: model records are written in seq order.
  void on_event(const mmu::Event& event) override;
  void mark(unsigned vcpu, std::string_view name, std::uint64_t value);
  void hypercall(unsigned vcpu, std::uint32_t nr, const std::array<std::uint64_t, 6>& args);
  void shootdown_acked(unsigned vcpu, const abi::flush_request& request, std::int64_t result);

  // Whether --snapshot-at names `mark`.
  [[nodiscard]] bool wants_snapshot(std::string_view mark) const;
  // Writes the TLBs `take` dumps, numbered with the last model event the dump
  // includes. The dump is retried when an event slips in while it is taken
  // (free-running runs), so after_seq is exact whenever the model is quiet
  // for a moment.
  void snapshot(const std::function<vmm::TlbDump()>& take);

 private:
  void add_instruction(proto::TraceRecord& record);

  TraceWriter* writer_;
  mmu::EventSink* next_;
  InstructionCache instructions_;
  std::vector<std::string> snapshot_at_;
  std::atomic<mmu::EventSeq> last_seq_{0};
};

}  // namespace shadowtlb::trace
