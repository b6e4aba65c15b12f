// Walking a page's mappings: page_mkclean() for file pages, try_to_unmap() for anonymous ones.
#include "guest/mm/rmap.h"

#include "guest/arch/x86/tlb.h"
#include "guest/fs/fs.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/report.h"
#include "guest/mm/memory.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/page_writeback.h"
#include "guest/mm/pgtable_lock.h"
#include "guest/mm/swap.h"
#include "guest/mm/vma.h"

void page_add_file_rmap(page* p) { atomic_inc(&p->_mapcount); }

void page_add_anon_rmap(page* p, vm_area_struct*, unsigned long) { atomic_inc(&p->_mapcount); }

void page_add_new_anon_rmap(page* p, vm_area_struct* vma, unsigned long addr) {
  p->mapping = reinterpret_cast<void*>(reinterpret_cast<unsigned long>(vma->anon) | PAGE_MAPPING_ANON);
  p->index = linear_page_index(vma, addr);
  atomic_set(&p->_mapcount, 1);
}

void page_remove_rmap(page* p) { BUG_ON(atomic_add_return(-1, &p->_mapcount) < 0); }

pte_t* page_vma_mapped_pte(vm_area_struct* vma, unsigned long addr, u64 pfn, spinlock_t** ptl,
                           pte_t* val) {
  pmd_t* pmdp = mm_find_pmd(vma->vm_mm, addr);
  if (!pmdp) return nullptr;
  pmd_t pmd = pmdp_get(pmdp);
  if (!pmd_present(pmd) || pmd_leaf(pmd)) return nullptr;
  pte_t* ptep = pte_offset_map_lock(pmd, addr, ptl);
  *val = ptep_get(ptep);
  if (pte_present(*val) && pte_pfn(*val) == pfn) return ptep;
  pte_unmap_unlock(*ptl);
  return nullptr;
}

anon_vma* page_anon_vma(page* p) {
  return reinterpret_cast<anon_vma*>(reinterpret_cast<unsigned long>(p->mapping) & ~PAGE_MAPPING_ANON);
}

namespace {

// Linux's ptep_clear_flush(): the entry is empty while the TLBs are flushed,
// so no CPU can set D in it behind our back. Only addr is flushed.
pte_t ptep_clear_flush(vm_area_struct* vma, unsigned long addr, pte_t* ptep) {
  pte_t old = ptep_get_and_clear(vma->vm_mm, addr, ptep);
  flush_tlb_page(vma, addr);
  return old;
}

int page_mkclean_one(page* p, vm_area_struct* vma, unsigned long addr) {
  spinlock_t* ptl;
  pte_t entry;
  pte_t* ptep = page_vma_mapped_pte(vma, addr, page_to_pfn(p), &ptl, &entry);
  if (!ptep) return 0;
  int cleaned = 0;
  if (pte_dirty(entry) || pte_write(entry)) {
    mark("page_mkclean.pte", addr);
    entry = ptep_clear_flush(vma, addr, ptep);
    set_pte(ptep, pte_mkclean(pte_wrprotect(entry)));
    cleaned = 1;
  }
  pte_unmap_unlock(ptl);
  return cleaned;
}

bool try_to_unmap_one(page* p, vm_area_struct* vma, unsigned long addr) {
  spinlock_t* ptl;
  pte_t entry;
  pte_t* ptep = page_vma_mapped_pte(vma, addr, page_to_pfn(p), &ptl, &entry);
  if (!ptep) return false;
  // Linux batches these flushes (TTU_BATCH_FLUSH); one per PTE keeps each
  // unmap next to its flush in a trace.
  entry = ptep_clear_flush(vma, addr, ptep);
  if (pte_dirty(entry)) set_page_dirty(p);
  set_pte(ptep, swp_entry_to_pte(p->private_));
  pte_unmap_unlock(ptl);
  mark("try_to_unmap.pte", addr);
  page_remove_rmap(p);
  put_page(p);  // the mapping's reference; the caller still holds one
  return true;
}

}  // namespace

int page_mkclean(page* p) {
  if (!page_mapped(p) || PageAnon(p) || !p->mapping) return 0;
  auto* mapping = static_cast<address_space*>(p->mapping);
  spin_guard guard(&mapping->i_mmap_lock);
  int cleaned = 0;
  for (vm_area_struct* vma = mapping->i_mmap; vma; vma = vma->rmap_next) {
    if (!(vma->vm_flags & VM_SHARED)) continue;
    unsigned long addr = vma_address(vma, p->index);
    if (addr != ~0ul) cleaned += page_mkclean_one(p, vma, addr);
  }
  return cleaned;
}

bool try_to_unmap(page* p) {
  BUG_ON(!PageAnon(p) || PageHead(p));
  anon_vma* av = page_anon_vma(p);
  spin_guard guard(&av->lock);
  for (vm_area_struct* vma = av->head; vma && page_mapped(p); vma = vma->rmap_next) {
    unsigned long addr = vma_address(vma, p->index);
    if (addr != ~0ul) try_to_unmap_one(p, vma, addr);
  }
  return !page_mapped(p);
}
