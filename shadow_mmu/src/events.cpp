// Stable names for events and hazards: the trace and the JSON summary use them.
#include "shadow_mmu/events.h"

namespace shadowtlb::mmu {

std::string_view event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::cr3_load: return "cr3_load";
    case EventKind::fill: return "fill";
    case EventKind::dirty_upgrade: return "dirty_upgrade";
    case EventKind::fault: return "fault";
    case EventKind::spurious_fault: return "spurious_fault";
    case EventKind::flush_local: return "flush_local";
    case EventKind::shootdown: return "shootdown";
    case EventKind::evict: return "evict";
    case EventKind::pte_read: return "pte_read";
    case EventKind::pte_write: return "pte_write";
    case EventKind::ad_update: return "ad_update";
    case EventKind::stale: return "stale";
    case EventKind::stale_write: return "stale_write";
    case EventKind::enforce: return "enforce";
    case EventKind::page_freed: return "page_freed";
    case EventKind::page_reused: return "page_reused";
    case EventKind::page_dirty: return "page_dirty";
    case EventKind::hazard: return "hazard";
  }
  return "unknown";
}

std::string_view hazard_kind_name(HazardKind kind) {
  switch (kind) {
    case HazardKind::stale_write: return "stale_write";
    case HazardKind::lost_dirty_bit: return "lost_dirty_bit";
    case HazardKind::freed_frame_reachable: return "freed_frame_reachable";
    case HazardKind::pt_page_reachable: return "pt_page_reachable";
  }
  return "unknown";
}

}  // namespace shadowtlb::mmu
