// Clearing the PTEs and huge PMDs of a range, flushing, then releasing the pages.
#include "guest/mm/zap.h"

#include "guest/kernel/panic.h"
#include "guest/mm/huge_memory.h"
#include "guest/mm/memory.h"
#include "guest/mm/mmu_gather.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/page_writeback.h"
#include "guest/mm/pgtable_lock.h"
#include "guest/mm/rmap.h"
#include "guest/mm/swap.h"
#include "guest/mm/vma.h"

namespace {

// Clears one present PTE's mapping; true if a dirty file page's D bit was moved.
bool zap_present_pte(mmu_gather* tlb, pte_t old, unsigned long addr) {
  page* p = pfn_to_page(pte_pfn(old));
  tlb_flush_range_add(tlb, addr, PAGE_SIZE);
  bool dirty_file = pte_dirty(old) && !PageAnon(p);
  if (pte_dirty(old)) set_page_dirty(p);
  page_remove_rmap(p);
  tlb_remove_page(tlb, p);
  return dirty_file;
}

void zap_pte_range(mmu_gather* tlb, vm_area_struct* vma, pmd_t pmd, unsigned long addr, unsigned long end) {
  spinlock_t* ptl;
  pte_t* ptep = pte_offset_map_lock(pmd, addr, &ptl);
  bool force_flush = false;
  for (; addr != end; addr += PAGE_SIZE, ptep++) {
    pte_t pte = ptep_get(ptep);
    if (pte_none(pte)) continue;
    if (pte_present(pte)) {
      force_flush |= zap_present_pte(tlb, ptep_get_and_clear(vma->vm_mm, addr, ptep), addr);
    } else {
      pte_clear(vma->vm_mm, addr, ptep);
      free_swap_slot(pte_to_swp_slot(pte));
    }
  }
  // The page is dirty now, but another CPU may still write it through its
  // TLB: flush before anyone can take the PTE lock and clean the page.
  if (force_flush) tlb_flush_mmu(tlb);
  pte_unmap_unlock(ptl);
}

// A huge PMD only partly inside the range is split first.
void zap_pmd(mmu_gather* tlb, vm_area_struct* vma, pmd_t* pmdp, unsigned long addr, unsigned long next) {
  pmd_t pmd = pmdp_get(pmdp);
  if (pmd_none(pmd)) return;
  if (pmd_leaf(pmd)) {
    if (next - addr == PMD_SIZE) {
      spin_guard guard(pmd_lockptr(vma->vm_mm));
      pmd = pmdp_get(pmdp);
      if (pmd_leaf(pmd)) return zap_huge_pmd(tlb, vma, pmdp, pmd, addr);
    } else {
      split_huge_pmd_and_page(vma, addr);
    }
    pmd = pmdp_get(pmdp);
    if (!pmd_present(pmd) || pmd_leaf(pmd)) return;
  }
  zap_pte_range(tlb, vma, pmd, addr, next);
}

}  // namespace

void unmap_page_range(mmu_gather* tlb, vm_area_struct* vma, unsigned long start, unsigned long end) {
  for (unsigned long addr = start, next; addr != end; addr = next) {
    next = pmd_addr_end(addr, end);
    if (pmd_t* pmdp = mm_find_pmd(vma->vm_mm, addr)) zap_pmd(tlb, vma, pmdp, addr, next);
  }
}

void zap_page_range(vm_area_struct* vma, unsigned long start, unsigned long end) {
  mmu_gather tlb;
  tlb_gather_mmu(&tlb, vma->vm_mm);
  unmap_page_range(&tlb, vma, start, end);
  tlb_finish_mmu(&tlb);
}
