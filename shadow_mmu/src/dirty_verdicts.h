// Lost-dirty-bit verdicts still open: stale writes no paging entry records yet.
//
// A write through a stale dirty entry sets no D bit (SDM 4.8). Whether its
// data is lost is not known at the write: the kernel may hold D in a register
// and store it back a moment later (move_ptes: ptep_get_and_clear, then
// set_pte_at). So the verdict stays open, per (stale entry, 4 KiB frame):
//
//   stale write to F ──► F recorded dirty? ── yes ─► covered, nothing to report
//                              └─ no ─► open ──► F becomes recorded dirty ─► covered (closed)
//                                         └────► the entry leaves the TLB ─► due: lost_dirty_bit
//
// "Recorded dirty": a leaf maps F with D, or the guest holds F's page
// PG_dirty (dirty_pages.h).
//
// Only the earliest uncovered write of an (entry, frame) is kept: anything
// that covers it covers the later ones too.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "cached_entry.h"
#include "shadow_mmu/events.h"

namespace shadowtlb::mmu {

struct LostDirtyVerdict {
  EntryKey key;   // the stale entry written through
  Pfn frame;      // the 4 KiB frame written
  Hazard hazard;  // the lost_dirty_bit hazard to record, as of the write
};

class DirtyVerdicts {
 public:
  // Opens a verdict unless one is already open for the same entry and frame.
  void open(const LostDirtyVerdict& verdict);
  // Closes every open verdict whose frame is now recorded dirty.
  void cover(const std::function<bool(Pfn)>& recorded_dirty);
  // The entry left its vCPU's TLB: its open verdicts are due.
  void entry_removed(const EntryKey& key);

  // Verdicts due since the last call, in the order they fell due.
  [[nodiscard]] std::vector<LostDirtyVerdict> take_due();
  // Every verdict still open, in (entry, frame) order; none stays open.
  [[nodiscard]] std::vector<LostDirtyVerdict> take_open();
  [[nodiscard]] bool any_open() const { return !open_.empty(); }

 private:
  using Slot = std::pair<EntryKey, std::uint64_t>;  // (entry, pfn)
  std::map<Slot, LostDirtyVerdict> open_;
  std::vector<LostDirtyVerdict> due_;
};

}  // namespace shadowtlb::mmu
