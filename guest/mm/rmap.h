// Reverse mapping: from a page to the PTEs that map it (Linux's mm/rmap.c).
//
// A file page is found through its address_space's i_mmap list, an anonymous
// page through its anon_vma's list; in each VMA the page's address follows
// from page->index (vma_address()). page_mkclean() is what the seed race is
// about: it cleans and write-protects every PTE of a page and flushes the
// address it cleaned — not an address that a concurrent mremap() just left.
#pragma once

#include "guest/arch/x86/pgtable_types.h"
#include "guest/mm/mm_types.h"

struct vm_area_struct;

struct anon_vma;
// The anon_vma an anonymous page belongs to.
anon_vma* page_anon_vma(page* p);

// Mapping bookkeeping, called with the PTE lock (or pmd lock) held.
void page_add_file_rmap(page* p);
void page_add_anon_rmap(page* p, vm_area_struct* vma, unsigned long addr);
void page_add_new_anon_rmap(page* p, vm_area_struct* vma, unsigned long addr);
void page_remove_rmap(page* p);

// Cleans and write-protects every PTE mapping the file page p: for each one
// that was dirty or writable, clear it, flush that address on every CPU of
// the mm (ptep_clear_flush()), then write it back clean and read-only.
// Returns how many PTEs it cleaned. Marks "page_mkclean.pte" per PTE.
int page_mkclean(page* p);

// Unmaps the anonymous order-0 page p everywhere it is mapped, replacing each
// PTE by the swap entry in p->private_, and flushes. Moves a dirty PTE's D
// bit to PG_dirty. Returns false if a mapping could not be found or changed.
bool try_to_unmap(page* p);

// The PTE mapping pfn at addr in vma's mm, locked, with its value in *val;
// null (and nothing locked) if addr does not map pfn through a PTE.
pte_t* page_vma_mapped_pte(vm_area_struct* vma, unsigned long addr, u64 pfn, spinlock_t** ptl,
                           pte_t* val);
