// What the shadow MMU tells the outside world: events as they happen, hazards.
//
// Every event carries a sequence number, so a hazard can name the events that
// explain it (the fill, the page-table write that made the entry stale, the
// late flush). The trace (issue 6) records these events; the VMM fills in what
// the model cannot know (instruction bytes and text at `rip`).
#pragma once

#include <cstdint>
#include <string_view>

#include "shadow_mmu/address.h"
#include "shadow_mmu/tlb_entry.h"

namespace shadowtlb::mmu {

enum class EventKind {
  cr3_load,        // vcpu loaded root `pa`
  fill,            // vcpu cached `entry` (a miss walked the current tables)
  dirty_upgrade,   // a first write re-walked and set D; entry now dirty
  fault,           // a miss or write the current tables refuse: the guest gets #PF
  spurious_fault,  // a write through a cached read-only entry: #PF, entry dropped (SDM 4.10.4.3)
  flush_local,     // vcpu flushed va..va+npages (npages = ~0: all non-global)
  shootdown,       // `initiator` flushed `vcpu`'s entries in a range
  evict,           // capacity eviction dropped `entry`
  pte_read,        // a trapped read of the paging entry at `pa`: value `old_value`
  pte_write,       // a trapped write: `pa` from old_value to new_value
  ad_update,       // the model set A/D in the paging entry at `pa` (as the walker would)
  stale,           // `entry` of `vcpu` became stale because of event `cause`
  stale_write,     // a write went through stale `entry` to `pa` (frame + offset)
  enforce,         // a policy shot `entry` down before a page-table write completed
  page_freed,      // the guest freed frames pa .. pa + npages pages
  page_reused,     // the guest handed those frames out again
  page_dirty,      // the guest set (new_value 1) or cleared (0) PG_dirty on frames pa .. pa + npages pages
  hazard,          // see Hazard
};

[[nodiscard]] std::string_view event_kind_name(EventKind kind);

enum class HazardKind {
  stale_write,            // a write through a stale entry: the current PTE no longer maps va to frame
  lost_dirty_bit,         // ... and no paging entry had D set for the frame, nor was its page
                          // PG_dirty, from that write until the stale entry left the TLB
                          // (see Hazard::removed_at)
  freed_frame_reachable,  // a TLB entry still reaches a frame the guest freed
  pt_page_reachable,      // a TLB entry still reaches a frame that became a page-table page
};

[[nodiscard]] std::string_view hazard_kind_name(HazardKind kind);

struct Hazard;

struct Event {
  EventSeq seq = 0;
  EventKind kind = EventKind::fill;
  unsigned vcpu = 0;
  unsigned initiator = 0;       // shootdown: the vCPU that asked
  GuestVirtAddr va;
  GuestPhysAddr pa;             // paging-entry address, frame, or root, per kind
  std::uint64_t old_value = 0;
  std::uint64_t new_value = 0;
  std::uint64_t npages = 0;
  GuestVirtAddr rip;            // guest instruction responsible, where known
  EventSeq cause = 0;           // the earlier event this one follows from
  TlbEntry entry;               // fill, dirty_upgrade, evict, stale, stale_write, enforce
  HazardKind hazard = HazardKind::stale_write;  // kind == hazard: which one (see Hazard)
  // kind == hazard: the full record (the chain behind it); valid only while
  // the event is being delivered.
  const Hazard* hazard_details = nullptr;
};

struct Hazard {
  HazardKind kind = HazardKind::stale_write;
  EventSeq seq = 0;             // the hazard's own event
  unsigned vcpu = 0;            // the vCPU whose TLB entry is at fault
  GuestVirtAddr va;
  GuestPhysAddr frame;          // the frame reached (page base)
  GuestVirtAddr rip;            // the instruction that wrote (stale writes)
  TlbEntry entry;               // the entry involved, as it was
  EventSeq stale_since = 0;     // the page-table write that made it stale (0: none)
  unsigned stale_by_vcpu = 0;   // ... its vCPU and instruction
  GuestVirtAddr stale_by_rip;
  // stale_write, lost_dirty_bit: the stale_write event of the write.
  EventSeq write_event = 0;
  // lost_dirty_bit: the event that took the stale entry out of the TLB (flush,
  // shootdown, CR3 load, eviction, fault, enforcement) and so settled the
  // verdict; 0 when ShadowMmu::finalize() settled it with the entry still cached.
  EventSeq removed_at = 0;
};

// Receives every event as it happens, under the model's lock: keep it short.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& event) = 0;
};

}  // namespace shadowtlb::mmu
