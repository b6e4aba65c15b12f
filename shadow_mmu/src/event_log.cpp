// Event numbering and hazard recording.
#include "event_log.h"

namespace shadowtlb::mmu {

Event entry_event(EventKind kind, unsigned vcpu, GuestVirtAddr va, const TlbEntry& entry,
                  GuestVirtAddr rip, EventSeq cause) {
  Event event;
  event.kind = kind;
  event.vcpu = vcpu;
  event.va = va;
  event.pa = entry.frame;
  event.rip = rip;
  event.cause = cause;
  event.entry = entry;
  return event;
}

EventSeq EventLog::emit(Event event) {
  event.seq = next_++;
  if (sink_ != nullptr) sink_->on_event(event);
  return event.seq;
}

void EventLog::record(Hazard hazard, EventSeq cause) {
  Event event = entry_event(EventKind::hazard, hazard.vcpu, hazard.va, hazard.entry, hazard.rip, cause);
  event.pa = hazard.frame;  // the 4 KiB frame reached, not the entry's (maybe 2 MiB) frame
  event.hazard = hazard.kind;
  hazard.seq = next_seq();
  // Recorded before delivery, so a sink may look at hazards().back().
  hazards_.push_back(hazard);
  event.hazard_details = &hazards_.back();
  emit(event);
}

}  // namespace shadowtlb::mmu
