// Page-table pages: allocating them for an mm, the pgd and its shared kernel half (Linux's asm/pgalloc.h).
//
// A user mm's table pages are written only through the page-table view
// (pgtable_view.h), clearing included. Clearing a page there is 512 exits, so
// a new user table comes, cheapest first, from: the page-table cache (pages
// teardown left all zero), never-used RAM (zero since boot), or a recycled
// page cleared through the view.
#pragma once

#include "guest/arch/x86/pgtable.h"

// A zeroed table page for mm's tables; phys_addr_t(0) when out of memory.
phys_addr_t pgtable_alloc(mm_struct* mm);
// Frees a table page. The caller has unlinked it from its parent (so the VMM
// has seen it stop being a table) and nothing can reach it any more.
// pgtable_free_cleared(): the caller also cleared every entry through the
// view, so the page may go to the page-table cache (Linux's old quicklists)
// and be handed out again without clearing.
void pgtable_free(phys_addr_t table);
void pgtable_free_cleared(phys_addr_t table);
// Pages in the page-table cache (bounded by PGTABLE_CACHE_MAX).
unsigned pgtable_cache_count();
inline constexpr unsigned PGTABLE_CACHE_MAX = 64;

// The root table of a new mm, as a pgtable_virt() pointer: for a user mm a
// view pointer, with init_mm's upper-half entries copied (the same lower
// tables, so kernel mappings are shared). Null when out of memory.
pgd_t* pgd_alloc(mm_struct* mm);
// The lower half must be empty (free_user_page_tables()).
void pgd_free(mm_struct* mm, pgd_t* pgd);

// Kernel pgd entries are created at boot only: pud_alloc() reports each new
// one, and after kernel_pgd_freeze() a new one is a bug (user mms copied the
// old set and would miss it).
void kernel_pgd_entry_added(unsigned index);
void kernel_pgd_freeze();
