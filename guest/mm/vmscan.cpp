// Paging anonymous memory out to the swap area (the MADV_PAGEOUT path of Linux's reclaim).
#include "guest/mm/vmscan.h"

#include "guest/include/compiler.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/report.h"
#include "guest/mm/huge_memory.h"
#include "guest/mm/memory.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/rmap.h"
#include "guest/mm/swap.h"
#include "guest/mm/vma.h"

bool pageout_anon_page(page* p) {
  u64 slot = get_swap_slot();
  if (slot == ~0ull) {
    put_page(p);
    return false;
  }
  p->private_ = slot;
  // Unmap first: from here on a fault reads the page back from swap, so the
  // swap copy must be written before anyone can fault (mmap_lock is held).
  if (!try_to_unmap(p)) {
    free_swap_slot(slot);
    put_page(p);
    return false;
  }
  if (swap_writepage(p, slot)) panic("swap write of pfn %#lx failed", page_to_pfn(p));
  mark("pageout", slot);
  put_page(p);  // the last reference: the frame is freed (HC_MMU_PAGE_FREED)
  return true;
}

namespace {

// Collects the anonymous pages one PTE table maps in [addr, end), then pages
// each out (with no lock held: try_to_unmap() takes the PTE locks).
unsigned long reclaim_pte_range(pmd_t pmd, unsigned long addr, unsigned long end) {
  unsigned long reclaimed = 0;
  pte_t* ptep = pmd_page_vaddr(pmd, addr) + pte_index(addr);
  for (; addr != end; addr += PAGE_SIZE, ptep++) {
    pte_t pte = ptep_get(ptep);
    if (!pte_present(pte)) continue;
    page* p = pfn_to_page(pte_pfn(pte));
    if (!PageAnon(p)) continue;
    get_page(p);
    reclaimed += pageout_anon_page(p);
  }
  return reclaimed;
}

}  // namespace

namespace {

// Splits the huge PMD mapping head wherever the rmap finds it. Linux's
// split_huge_page() does this with migration entries; here each mapping is
// split in place (split_huge_pmd_and_page() flushes the 2 MiB first).
bool split_huge_page_rmap(page* head) {
  anon_vma* av = page_anon_vma(head);
  spin_guard guard(&av->lock);
  for (vm_area_struct* vma = av->head; vma; vma = vma->rmap_next) {
    unsigned long addr = vma_address(vma, head->index);
    if (addr == ~0ul) continue;
    pmd_t* pmdp = mm_find_pmd(vma->vm_mm, addr);
    if (!pmdp) continue;
    pmd_t pmd = pmdp_get(pmdp);
    if (pmd_leaf(pmd) && pmd_pfn(pmd) == page_to_pfn(head))
      return split_huge_pmd_and_page(vma, addr) == 0;
  }
  return false;
}

}  // namespace

unsigned long reclaim_anon_page(page* p) {
  BUG_ON(!PageAnon(p));
  mark("reclaim.page", page_to_pfn(p));
  if (!PageHead(p)) return pageout_anon_page(p);
  if (!split_huge_page_rmap(p)) {
    put_page(p);
    return 0;
  }
  // p is the first of 512 pages now, each mapped by one PTE; the caller's
  // reference stays on p, and each other page gets one for its page-out.
  unsigned long reclaimed = 0;
  for (unsigned i = 1; i < PTRS_PER_TABLE; i++) {
    get_page(p + i);
    reclaimed += pageout_anon_page(p + i);
  }
  return reclaimed + pageout_anon_page(p);
}

unsigned long reclaim_anon_range(vm_area_struct* vma, unsigned long start, unsigned long end) {
  unsigned long reclaimed = 0;
  for (unsigned long addr = start, next; addr != end; addr = next) {
    next = pmd_addr_end(addr, end);
    pmd_t* pmdp = mm_find_pmd(vma->vm_mm, addr);
    if (!pmdp) continue;
    pmd_t pmd = pmdp_get(pmdp);
    if (pmd_leaf(pmd)) {
      // Huge pages are split and paged out 4 KiB at a time.
      if (split_huge_pmd_and_page(vma, addr)) continue;
      pmd = pmdp_get(pmdp);
    }
    if (pmd_present(pmd) && !pmd_leaf(pmd)) reclaimed += reclaim_pte_range(pmd, addr, next);
  }
  return reclaimed;
}
