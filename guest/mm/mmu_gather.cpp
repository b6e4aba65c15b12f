// Flush first, free after.
#include "guest/mm/mmu_gather.h"

#include "guest/arch/x86/tlb.h"
#include "guest/include/compiler.h"
#include "guest/mm/page_ref.h"

void tlb_gather_mmu(mmu_gather* tlb, mm_struct* mm) {
  tlb->mm = mm;
  tlb->start = ~0ul;
  tlb->end = 0;
  tlb->nr = 0;
}

void tlb_flush_range_add(mmu_gather* tlb, unsigned long addr, u64 size) {
  tlb->start = min_t(tlb->start, addr);
  tlb->end = max_t(tlb->end, addr + size);
}

void tlb_remove_page(mmu_gather* tlb, page* p) {
  if (tlb->nr == MMU_GATHER_BATCH) tlb_flush_mmu(tlb);
  tlb->pages[tlb->nr++] = p;
}

void tlb_flush_mmu(mmu_gather* tlb) {
  if (tlb->start < tlb->end) flush_tlb_mm_range(tlb->mm, tlb->start, tlb->end);
  tlb->start = ~0ul;
  tlb->end = 0;
  // Only now may the pages be freed: no TLB can reach them any more.
  for (unsigned i = 0; i < tlb->nr; i++) put_page(tlb->pages[i]);
  tlb->nr = 0;
}
