// 2 MiB anonymous pages: fault-in, zap, mremap's move_huge_pmd(), and splitting.
#include "guest/mm/huge_memory.h"

#include "guest/arch/x86/pgtable.h"
#include "guest/arch/x86/tlb.h"
#include "guest/include/errno.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/report.h"
#include "guest/lib/string.h"
#include "guest/mm/memory.h"
#include "guest/mm/mmu_gather.h"
#include "guest/mm/mremap.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/pgalloc.h"
#include "guest/mm/pgtable_lock.h"
#include "guest/mm/rmap.h"
#include "guest/mm/vma.h"

namespace {

inline bool pmd_dirty(pmd_t pmd) { return pmd_val(pmd) & _PAGE_DIRTY; }

// Every 4 KiB frame of a split 2 MiB page becomes a page of its own, mapped
// once, with the head's owner and consecutive indexes (split_huge_page()).
void split_huge_page(page* head) {
  unsigned long keep = head->flags & (PG_dirty | PG_uptodate);
  for (unsigned i = 1; i < PTRS_PER_TABLE; i++) {
    page* sub = head + i;
    sub->flags = keep;
    sub->order = 0;
    sub->mapping = head->mapping;
    sub->index = head->index + i;
    atomic_set(&sub->_mapcount, 1);
    atomic_set(&sub->_refcount, 1);  // the PTE's reference
  }
  head->flags = keep;
  head->order = 0;
}

}  // namespace

int do_huge_pmd_anonymous_page(vm_area_struct* vma, pmd_t* pmdp, unsigned long address, bool write) {
  unsigned long haddr = address & PMD_MASK;
  if (haddr < vma->vm_start || haddr + PMD_SIZE > vma->vm_end) return -EAGAIN;
  bool is_zero;
  page* p = alloc_pages_report_zero(GFP_KERNEL, HPAGE_PMD_ORDER, &is_zero);
  if (!p) return -EAGAIN;  // no free 2 MiB block: 4 KiB pages will do
  if (!is_zero) memset(page_address(p), 0, PMD_SIZE);
  p->flags |= PG_head | PG_uptodate;
  spin_guard guard(pmd_lockptr(vma->vm_mm));
  if (!pmd_none(pmdp_get(pmdp))) {  // mapped meanwhile (another thread's fault)
    put_page(p);
    return 0;
  }
  page_add_new_anon_rmap(p, vma, haddr);
  // Linux maps a new THP dirty (and writable if the VMA is): its contents
  // exist nowhere else.
  pteval_t prot = pgprot_val(vma->vm_page_prot) | _PAGE_DIRTY;
  if (write || (vma->vm_flags & VM_WRITE)) prot |= _PAGE_RW;
  set_pmd(pmdp, pfn_pmd_huge(page_to_pfn(p), pgprot_t{prot}));
  mark("thp.fault", haddr);
  return 0;
}

void zap_huge_pmd(mmu_gather* tlb, vm_area_struct* vma, pmd_t* pmdp, pmd_t, unsigned long addr) {
  pmd_t old = pmdp_huge_get_and_clear(vma->vm_mm, addr, pmdp);
  tlb_flush_range_add(tlb, addr, PMD_SIZE);
  page* p = pfn_to_page(pmd_pfn(old));
  page_remove_rmap(p);
  tlb_remove_page(tlb, p);
}

bool move_huge_pmd(vm_area_struct* vma, unsigned long old_addr, unsigned long new_addr, pmd_t* old_pmd,
                   pmd_t* new_pmd, bool* need_flush) {
  mm_struct* mm = vma->vm_mm;
  // Both pmd locks are mm->page_table_lock here (no split pmd locks).
  spin_lock(pmd_lockptr(mm));
  pmd_t pmd = pmdp_get(old_pmd);
  if (!pmd_leaf(pmd) || !pmd_none(pmdp_get(new_pmd))) {
    spin_unlock(pmd_lockptr(mm));
    return false;
  }
  mark("move_huge_pmd.lock", old_addr);
  pmd = pmdp_huge_get_and_clear(mm, old_addr, old_pmd);
  set_pmd(new_pmd, pmd);
  mark("move_huge_pmd.pmd", old_addr);
  mremap_flush_moved(vma, old_addr, old_addr + PMD_SIZE, pmd_present(pmd), pmd_dirty(pmd), need_flush);
  spin_unlock(pmd_lockptr(mm));
  mark("move_huge_pmd.unlock", new_addr);
  return true;
}

int split_huge_pmd_and_page(vm_area_struct* vma, unsigned long address) {
  mm_struct* mm = vma->vm_mm;
  unsigned long haddr = address & PMD_MASK;
  pmd_t* pmdp = mm_find_pmd(mm, haddr);
  if (!pmdp) return -ENOENT;
  phys_addr_t table = pgtable_alloc(mm);
  if (!table.val) return -ENOMEM;
  spin_lock(pmd_lockptr(mm));
  pmd_t pmd = pmdp_get(pmdp);
  if (!pmd_leaf(pmd)) {
    spin_unlock(pmd_lockptr(mm));
    pgtable_free_cleared(table);
    return -ENOENT;
  }
  mark("split_huge_pmd", haddr);
  // Linux's pmdp_invalidate(): no CPU may write through the huge entry while
  // the PTEs are built from it, or a D bit set meanwhile would be lost.
  pmd = pmdp_huge_get_and_clear(mm, haddr, pmdp);
  flush_pmd_tlb_range(vma, haddr, haddr + PMD_SIZE);
  u64 pfn = pmd_pfn(pmd);
  pteval_t flags = pmd_val(pmd) & (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY);
  // Filled before it is linked, as Linux's pmd_populate() after the loop.
  pte_t* pte = static_cast<pte_t*>(pgtable_virt(table, haddr));
  for (unsigned i = 0; i < PTRS_PER_TABLE; i++) set_pte(pte + i, pfn_pte(pfn + i, pgprot_t{flags}));
  set_pmd(pmdp, mk_pmd_table(table, _PAGE_TABLE));
  split_huge_page(pfn_to_page(pfn));
  spin_unlock(pmd_lockptr(mm));
  return 0;
}
