// Building and tearing down page tables: table allocation, map/unmap of
// 4 KiB and 2 MiB pages, and a software walk (Linux's mm/memory.c corner).
//
// map_* and unmap_* take mm->page_table_lock; walk_page_table() takes no lock
// and reads each entry once. Unmapping flushes the TLBs of every CPU that has
// the mm loaded before it returns (for init_mm: every online CPU).
#pragma once

#include "guest/arch/x86/pgtable.h"
#include "guest/mm/mm_types.h"
#include "guest/mm/pgalloc.h"

// Returns the entry for addr at the next level, allocating that level's table
// if the upper entry is empty; null when out of memory. Caller holds
// mm->page_table_lock and has checked that the upper entry is not a leaf.
pud_t* pud_alloc(mm_struct* mm, pgd_t* pgd, unsigned long addr);
pmd_t* pmd_alloc(mm_struct* mm, pud_t* pud, unsigned long addr);
pte_t* pte_alloc_map(mm_struct* mm, pmd_t* pmd, unsigned long addr);

// 0, -EEXIST (something is mapped there, or a 2 MiB page covers addr),
// -ENOMEM, or -EINVAL (misaligned, or the wrong half for the mm: a user mm
// maps only below TASK_SIZE; init_mm only above).
int map_page(mm_struct* mm, unsigned long addr, phys_addr_t pa, pgprot_t prot);
int map_huge_pmd(mm_struct* mm, unsigned long addr, phys_addr_t pa, pgprot_t prot);
// Maps [addr, addr+size) to [pa, pa+size): 2 MiB pages where both are
// 2 MiB aligned and a whole 2 MiB remains, 4 KiB pages elsewhere. On an
// error, what was mapped before it stays mapped.
int map_range(mm_struct* mm, unsigned long addr, phys_addr_t pa, u64 size, pgprot_t prot);

// 0, or -ENOENT if no page of that size is mapped at addr.
int unmap_page(mm_struct* mm, unsigned long addr);
int unmap_huge_pmd(mm_struct* mm, unsigned long addr);

enum pg_level { PG_LEVEL_NONE, PG_LEVEL_4K, PG_LEVEL_2M, PG_LEVEL_1G };

struct pt_walk {
  pg_level level;     // the leaf's level; PG_LEVEL_NONE if not mapped
  pteval_t entry;     // the leaf entry
  phys_addr_t pa;     // the physical address addr translates to
  u64 page_size;
  // Where the walk read the pgd entry and the leaf (or the last entry, when
  // not mapped): pgtable_virt() pointers, so a test can see which alias
  // (page-table view or direct map) each level went through.
  const pgd_t* pgdp;
  const void* entryp;
};
// 0 with *w filled, or -ENOENT (w->level == PG_LEVEL_NONE).
int walk_page_table(mm_struct* mm, unsigned long addr, pt_walk* w);

// For VMA-based code (faults, mremap): the pmd entry for addr, allocating the
// pud and pmd tables on the way; null when out of memory or a 1 GiB page is in
// the way. Takes mm->page_table_lock.
pmd_t* mm_alloc_pmd(mm_struct* mm, unsigned long addr);
// The same without allocating: null if an upper level is missing.
pmd_t* mm_find_pmd(mm_struct* mm, unsigned long addr);
// Makes *pmd point at a PTE table, allocating one if it is empty. Returns the
// entry's value, or __pmd(0) when out of memory or *pmd is a huge page (the
// caller re-reads it). Takes mm->page_table_lock.
pmd_t pte_alloc(mm_struct* mm, pmd_t* pmd);
// Tables may exist for [addr, addr + size) from now on: teardown visits it.
void mm_note_user_range(mm_struct* mm, unsigned long addr, u64 size);

// Frees every table of the lower (user) half, visiting only the range that
// map_*() ever covered (mm->pt_start/pt_end). The mm must not be loaded on
// any CPU. Mapped frames are not freed: their owner does.
void free_user_page_tables(mm_struct* mm);
