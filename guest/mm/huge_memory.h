// Transparent huge pages: 2 MiB anonymous pages mapped by one PMD (Linux's mm/huge_memory.c).
#pragma once

#include "guest/arch/x86/pgtable_types.h"
#include "guest/include/types.h"

struct mm_struct;
struct mmu_gather;
struct page;
struct vm_area_struct;

// Maps a new zeroed 2 MiB page at the PMD covering address, if the VMA
// covers that whole aligned 2 MiB. 0 if mapped, -EAGAIN to fall back to 4 KiB
// pages, -ENOMEM. Caller holds mmap_lock.
int do_huge_pmd_anonymous_page(vm_area_struct* vma, pmd_t* pmd, unsigned long address, bool write);
// Clears the huge PMD at addr (pmd lock held by the caller) and queues its
// page on tlb.
void zap_huge_pmd(mmu_gather* tlb, vm_area_struct* vma, pmd_t* pmd, pmd_t orig, unsigned long addr);
// Moves a huge PMD from old_addr to new_addr under both pmd locks, flushing
// the old 2 MiB as the mremap_flush policy says. True if it moved one;
// *need_flush is set when the flush was left to move_page_tables().
bool move_huge_pmd(vm_area_struct* vma, unsigned long old_addr, unsigned long new_addr, pmd_t* old_pmd,
                   pmd_t* new_pmd, bool* need_flush);
// Replaces the huge PMD at address by a PTE table mapping the same 512
// frames with the same rights and D/A bits, flushing the 2 MiB first
// (Linux's __split_huge_pmd()), and splits the page into 512 order-0 pages
// (split_huge_page()). 0, -ENOENT if no huge PMD is there, -ENOMEM.
int split_huge_pmd_and_page(vm_area_struct* vma, unsigned long address);
