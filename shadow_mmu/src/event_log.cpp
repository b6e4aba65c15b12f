// Event numbering and hazard recording.
#include "event_log.h"

namespace shadowtlb::mmu {

EventSeq EventLog::emit(Event event) {
  event.seq = next_++;
  if (sink_ != nullptr) sink_->on_event(event);
  return event.seq;
}

void EventLog::record(Hazard hazard, EventSeq cause) {
  Event event;
  event.kind = EventKind::hazard;
  event.hazard = hazard.kind;
  event.vcpu = hazard.vcpu;
  event.va = hazard.va;
  event.pa = hazard.frame;
  event.rip = hazard.rip;
  event.cause = cause;
  event.entry = hazard.entry;
  hazard.seq = next_seq();
  // Recorded before delivery, so a sink may look at hazards().back().
  hazards_.push_back(hazard);
  event.hazard_details = &hazards_.back();
  emit(event);
}

}  // namespace shadowtlb::mmu
