// Unmapping the pages of a VMA range (Linux's zap_page_range() / unmap_page_range()).
//
// Each PTE is cleared under its table's lock; a dirty one moves its D bit to
// the page (set_page_dirty()). The TLBs are flushed once per batch, and the
// pages' references dropped only after that (mmu_gather.h). When a zapped
// PTE was dirty the flush happens before the PTE lock is dropped — Linux's
// fix for the zap_pte_range()/page_mkclean() race that the seed commit cites
// (1cf35d47712d): page_mkclean() must not see the page clean while another
// CPU can still write it through a stale entry.
#pragma once

struct mmu_gather;
struct vm_area_struct;

void zap_page_range(vm_area_struct* vma, unsigned long start, unsigned long end);
void unmap_page_range(mmu_gather* tlb, vm_area_struct* vma, unsigned long start, unsigned long end);
