// Numbers the model's events (from 1) and hands them to the sink; records
// hazards, each with its own hazard event.
#pragma once

#include <vector>

#include "shadow_mmu/events.h"

namespace shadowtlb::mmu {

// An event about one TLB entry (fill, dirty upgrade, eviction, spurious
// fault, hazard): `pa` is the entry's frame, `va` the address it concerns.
[[nodiscard]] Event entry_event(EventKind kind, unsigned vcpu, GuestVirtAddr va, const TlbEntry& entry,
                                GuestVirtAddr rip, EventSeq cause);

class EventLog {
 public:
  explicit EventLog(EventSink* sink) : sink_(sink) {}

  // The number the next event will get (so an entry can name its own fill).
  [[nodiscard]] EventSeq next_seq() const { return next_; }
  // Assigns the next number to `event`, delivers it, returns the number.
  EventSeq emit(Event event);

  // Emits the hazard event for `hazard` (its seq is filled in here), with
  // `cause` naming the event that revealed it, and records the hazard.
  void record(Hazard hazard, EventSeq cause);
  [[nodiscard]] const std::vector<Hazard>& hazards() const { return hazards_; }

 private:
  EventSink* sink_;
  EventSeq next_ = 1;
  std::vector<Hazard> hazards_;
};

}  // namespace shadowtlb::mmu
