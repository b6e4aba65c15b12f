// Page-table locks (Linux's split PTE locks and pmd_lock()).
//
// Each PTE table page has its own lock in its struct page (page->ptl), so
// faults and move_ptes() on different tables do not serialize; every pmd
// entry (huge pages, linking a PTE table) is under mm->page_table_lock,
// Linux's pmd lock without split pmd locks. The order is: mmap_lock, then
// i_mmap_lock / anon_vma lock, then page_table_lock, then PTE locks (two PTE
// locks only in move_ptes(): the old table's first).
#pragma once

#include "guest/arch/x86/pgtable.h"
#include "guest/mm/page_alloc.h"

inline spinlock_t* pte_lockptr(pmd_t pmd) {
  return &pfn_to_page(pmd_pfn(pmd))->ptl;
}
inline spinlock_t* pmd_lockptr(mm_struct* mm) { return &mm->page_table_lock; }

// The PTE for addr in the table pmd points at, with that table's lock held.
// pmd is the entry's value, read by the caller (each read is an exit).
inline pte_t* pte_offset_map_lock(pmd_t pmd, unsigned long addr, spinlock_t** ptl) {
  *ptl = pte_lockptr(pmd);
  spin_lock(*ptl);
  return pmd_page_vaddr(pmd, addr) + pte_index(addr);
}
inline void pte_unmap_unlock(spinlock_t* ptl) { spin_unlock(ptl); }
