// Resolving a fault on a user address from the VMA that covers it.
#include "guest/mm/handle_mm_fault.h"

#include "guest/fs/fs.h"
#include "guest/include/errno.h"
#include "guest/kernel/report.h"
#include "guest/mm/filemap.h"
#include "guest/mm/huge_memory.h"
#include "guest/mm/memory.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/page_ref.h"
#include "guest/mm/page_writeback.h"
#include "guest/mm/pgtable_lock.h"
#include "guest/mm/rmap.h"
#include "guest/mm/swap.h"
#include "guest/mm/vma.h"

namespace {

fault_stats stats;

void count(u64* c) { __atomic_fetch_add(c, 1, __ATOMIC_RELAXED); }

struct vm_fault {
  vm_area_struct* vma;
  unsigned long address;  // page aligned
  bool write;
  pte_t* pte;             // locked
  pte_t orig_pte;
};

vm_fault_t do_anonymous_page(vm_fault* vmf) {
  page* p = alloc_page(__GFP_ZERO);
  if (!p) return VM_FAULT_OOM;
  page_add_new_anon_rmap(p, vmf->vma, vmf->address);
  pte_t entry = pfn_pte(page_to_pfn(p), vmf->vma->vm_page_prot);
  if (vmf->write) entry = pte_mkdirty(entry);
  set_pte(vmf->pte, entry);
  count(&stats.anon);
  return VM_FAULT_OK;
}

// The file page for the fault with a reference, or an error result.
vm_fault_t file_page(vm_fault* vmf, page** out) {
  vm_area_struct* vma = vmf->vma;
  unsigned long pgoff = linear_page_index(vma, vmf->address);
  inode* ino = vma->vm_file->f_inode;
  if ((pgoff << PAGE_SHIFT) >= i_size_read(ino)) {
    count(&stats.sigbus);
    return VM_FAULT_SIGBUS;  // past the end of the file
  }
  int err;
  *out = read_cache_page(vma->vm_file->f_mapping, pgoff, &err);
  if (*out) return VM_FAULT_OK;
  return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
}

// A read maps the page read-only when the mapping tracks dirtiness, so the
// first write comes back through do_wp_page().
vm_fault_t do_read_fault(vm_fault* vmf) {
  page* p;
  if (vm_fault_t r = file_page(vmf, &p)) return r;
  page_add_file_rmap(p);  // the reference taken by file_page() is the mapping's
  set_pte(vmf->pte, pfn_pte(page_to_pfn(p), vmf->vma->vm_page_prot));
  count(&stats.file_read);
  return VM_FAULT_OK;
}

// A write maps the page writable and dirty, and marks it dirty (Linux's
// do_shared_fault() with page_mkwrite()).
vm_fault_t do_shared_fault(vm_fault* vmf) {
  page* p;
  if (vm_fault_t r = file_page(vmf, &p)) return r;
  page_add_file_rmap(p);
  set_page_dirty(p);
  set_pte(vmf->pte, pte_mkdirty(pte_mkwrite(pfn_pte(page_to_pfn(p), vmf->vma->vm_page_prot))));
  count(&stats.file_write);
  mark("fault.shared_write", vmf->address);
  return VM_FAULT_OK;
}

// A write to a present read-only PTE of a writable shared mapping: the page
// was clean (never written, or cleaned by writeback). It is dirty from now.
vm_fault_t do_wp_page(vm_fault* vmf) {
  if (!(vmf->vma->vm_flags & VM_SHARED)) return VM_FAULT_SIGSEGV;  // no copy-on-write here
  page* p = pfn_to_page(pte_pfn(vmf->orig_pte));
  set_page_dirty(p);
  pte_t entry = __pte(pte_val(pte_mkdirty(pte_mkwrite(vmf->orig_pte))) | _PAGE_ACCESSED);
  // A rights increase needs no flush: a stale read-only entry only causes a
  // spurious fault, which drops it (SDM 4.10.4.3).
  set_pte(vmf->pte, entry);
  count(&stats.wp);
  mark("fault.wp_page", vmf->address);
  return VM_FAULT_OK;
}

// Reads a paged-out page back. The slot is freed at once, so the page is
// dirty: its only copy is in memory again.
vm_fault_t do_swap_page(vm_fault* vmf) {
  u64 slot = pte_to_swp_slot(vmf->orig_pte);
  page* p = alloc_page(GFP_KERNEL);
  if (!p) return VM_FAULT_OOM;
  if (swap_readpage(p, slot)) {
    put_page(p);
    return VM_FAULT_SIGBUS;
  }
  free_swap_slot(slot);
  page_add_new_anon_rmap(p, vmf->vma, vmf->address);
  p->flags |= PG_uptodate;
  set_page_dirty(p);
  set_pte(vmf->pte, pte_mkdirty(pfn_pte(page_to_pfn(p), vmf->vma->vm_page_prot)));
  count(&stats.swap_in);
  mark("fault.swap_in", vmf->address);
  return VM_FAULT_OK;
}

vm_fault_t handle_pte_fault(vm_fault* vmf) {
  pte_t pte = vmf->orig_pte;
  if (pte_none(pte)) {
    if (vma_is_anonymous(vmf->vma)) return do_anonymous_page(vmf);
    return vmf->write ? do_shared_fault(vmf) : do_read_fault(vmf);
  }
  if (!pte_present(pte)) return do_swap_page(vmf);
  if (vmf->write && !pte_write(pte)) return do_wp_page(vmf);
  // Already resolved (another CPU's fault, or a stale TLB entry the fault
  // itself dropped): retrying the access is enough.
  return VM_FAULT_OK;
}

bool access_allowed(vm_area_struct* vma, bool write) {
  return write ? (vma->vm_flags & VM_WRITE) : (vma->vm_flags & (VM_READ | VM_WRITE));
}

}  // namespace

vm_fault_t handle_mm_fault(vm_area_struct* vma, unsigned long address, unsigned flags) {
  mm_struct* mm = vma->vm_mm;
  vm_fault vmf{vma, address & PAGE_MASK, (flags & FAULT_FLAG_WRITE) != 0, nullptr, __pte(0)};
  pmd_t* pmdp = mm_alloc_pmd(mm, vmf.address);
  if (!pmdp) return VM_FAULT_OOM;
  pmd_t pmd = pmdp_get(pmdp);
  if (pmd_none(pmd) && vma_is_anonymous(vma) && (vma->vm_flags & VM_HUGEPAGE)) {
    int r = do_huge_pmd_anonymous_page(vma, pmdp, vmf.address, vmf.write);
    if (r == 0) {
      count(&stats.huge_anon);
      return VM_FAULT_OK;
    }
    if (r == -ENOMEM) return VM_FAULT_OOM;
  }
  // A huge PMD maps anonymous memory writable from the start: a fault on one
  // was resolved by another CPU, or by the fault dropping a stale entry.
  if (pmd_leaf(pmd)) return VM_FAULT_OK;
  pmd = pte_alloc(mm, pmdp);
  if (pmd_none(pmd)) return pmd_leaf(pmdp_get(pmdp)) ? VM_FAULT_OK : VM_FAULT_OOM;
  spinlock_t* ptl;
  vmf.pte = pte_offset_map_lock(pmd, vmf.address, &ptl);
  vmf.orig_pte = ptep_get(vmf.pte);
  vm_fault_t r = handle_pte_fault(&vmf);
  pte_unmap_unlock(ptl);
  return r;
}

vm_fault_t handle_user_fault(mm_struct* mm, unsigned long address, unsigned flags) {
  spin_guard guard(&mm->mmap_lock);
  vm_area_struct* vma = vma_lookup(mm, address);
  if (!vma || !access_allowed(vma, flags & FAULT_FLAG_WRITE)) {
    count(&stats.sigsegv);
    return VM_FAULT_SIGSEGV;
  }
  return handle_mm_fault(vma, address, flags);
}

// Tests read the counters while no fault is in flight.
fault_stats mm_fault_get_stats() { return stats; }
