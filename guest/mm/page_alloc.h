// The physical page allocator: blocks of 2^order frames, order 0..9 (4 KiB..2 MiB).
//
// Init is O(1): RAM arrives zeroed and mem_map needs no initialization, so the
// never-used memory is just a range [lo, hi) eaten from both ends (small
// blocks from the bottom, 2 MiB blocks from the top, so large blocks stay
// available). Freed blocks go to a LIFO free list per order and are reused
// first, with no coalescing. A larger free block is split when a smaller one
// is needed and the never-used range cannot serve it.
//
// Hints to the VMM (abi/hypercall.h): HC_MMU_PAGE_FREED when a block is freed,
// HC_MMU_PAGE_REUSED when a previously freed block is handed out again, never
// for the first allocation of never-used memory.
#pragma once

#include "guest/arch/x86/page.h"
#include "guest/include/types.h"
#include "guest/mm/mm_types.h"

inline constexpr unsigned MAX_PAGE_ORDER = HPAGE_PMD_ORDER;

inline constexpr gfp_t GFP_KERNEL = 0;
inline constexpr gfp_t __GFP_ZERO = 1u << 0;  // clear the block unless it is never-used (already zero)

// Boot: manage frames [first_free, ram_end). mem_map goes at first_free and
// the allocator starts above it.
void page_alloc_init(phys_addr_t first_free, phys_addr_t ram_end);

page* alloc_pages(gfp_t gfp, unsigned order);  // null when out of memory
// As alloc_pages(), but never clears (whatever gfp says): *is_zero tells
// whether the block is known to be zero (never used since boot). For memory
// that must be cleared through another alias than the direct map (a user
// page-table page, through the page-table view).
page* alloc_pages_report_zero(gfp_t gfp, unsigned order, bool* is_zero);
inline page* alloc_page(gfp_t gfp) { return alloc_pages(gfp, 0); }
void __free_pages(page* p, unsigned order);
inline void __free_page(page* p) { __free_pages(p, 0); }

// Direct-map address versions, as Linux's __get_free_pages(): 0 on failure.
unsigned long __get_free_pages(gfp_t gfp, unsigned order);
inline unsigned long __get_free_page(gfp_t gfp) { return __get_free_pages(gfp, 0); }
inline unsigned long get_zeroed_page(gfp_t gfp) { return __get_free_pages(gfp | __GFP_ZERO, 0); }
void free_pages(unsigned long addr, unsigned order);
inline void free_page(unsigned long addr) { free_pages(addr, 0); }

// mem_map access.
extern page* mem_map;
extern u64 max_pfn;
inline page* pfn_to_page(u64 pfn) { return mem_map + pfn; }
inline u64 page_to_pfn(const page* p) { return static_cast<u64>(p - mem_map); }
inline phys_addr_t page_to_phys(const page* p) { return PFN_PHYS(page_to_pfn(p)); }
inline void* page_address(const page* p) { return phys_to_virt(page_to_phys(p)); }
inline page* virt_to_page(const void* v) { return pfn_to_page(PHYS_PFN(virt_to_phys(v))); }

// Counters, for tests and diagnostics.
struct page_alloc_stats {
  u64 nr_free_pages;     // pages on the free lists
  u64 nr_never_used;     // pages in the never-used range
  u64 freed_hints;       // HC_MMU_PAGE_FREED calls made
  u64 reused_hints;      // HC_MMU_PAGE_REUSED calls made
  u64 fresh_allocs;      // blocks handed out from never-used memory
};
page_alloc_stats page_alloc_get_stats();
