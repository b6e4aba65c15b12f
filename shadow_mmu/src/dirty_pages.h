// Frames whose page the guest holds dirty in software (Linux's PG_dirty).
//
// A D bit is one record of "this frame is newer than its backing store";
// PG_dirty is the other. The kernel moves D into PG_dirty when it clears a
// PTE (zap, page_mkclean) and clears PG_dirty only when it starts writeback
// (clear_page_dirty_for_io) or drops the data (truncation). A stale write made
// while the page is dirty, or followed by set_page_dirty before its entry
// leaves the TLB, reaches the disk with the page: no lost dirty bit. The
// guest reports each change with HC_MMU_PAGE_DIRTY (docs/abi.md).
#pragma once

#include <cstdint>
#include <unordered_set>

#include "shadow_mmu/address.h"

namespace shadowtlb::mmu {

class DirtyPages {
 public:
  // Frames first .. first + count - 1 are now dirty (or clean).
  void set(Pfn first, std::uint64_t count, bool dirty);
  [[nodiscard]] bool contains(Pfn frame) const { return dirty_.contains(frame); }

 private:
  std::unordered_set<Pfn> dirty_;  // a 2 MiB page is 512 of them
};

}  // namespace shadowtlb::mmu
