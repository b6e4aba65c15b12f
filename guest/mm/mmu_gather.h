// Batched unmapping (Linux's mmu_gather, asm-generic/tlb.h).
//
// Zapping clears PTEs first, flushes the TLBs once for the whole range, and
// only then drops the references of the pages it unmapped: a page must not
// be freed (and reused) while some CPU can still reach it through a TLB
// entry. This is the ordering Linux's commit 1cf35d47712d established for
// zap_pte_range() vs page_mkclean().
#pragma once

#include "guest/mm/mm_types.h"

inline constexpr unsigned MMU_GATHER_BATCH = 64;

struct mmu_gather {
  mm_struct* mm;
  unsigned long start, end;  // the range whose entries were cleared since the last flush
  unsigned nr;
  page* pages[MMU_GATHER_BATCH];
};

void tlb_gather_mmu(mmu_gather* tlb, mm_struct* mm);
// Records that entries of [addr, addr + size) were cleared.
void tlb_flush_range_add(mmu_gather* tlb, unsigned long addr, u64 size);
// Queues a reference to drop after the flush; flushes first if the batch is full.
void tlb_remove_page(mmu_gather* tlb, page* p);
// Flushes the recorded range, then drops the queued references.
void tlb_flush_mmu(mmu_gather* tlb);
inline void tlb_finish_mmu(mmu_gather* tlb) { tlb_flush_mmu(tlb); }
