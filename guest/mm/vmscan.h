// Reclaiming anonymous pages (Linux's mm/vmscan.c, the MADV_PAGEOUT path).
#pragma once

#include "guest/include/types.h"

struct page;
struct vm_area_struct;

// Pages out the anonymous pages mapped in [start, end) of vma: a 2 MiB page is
// split first; each 4 KiB page is unmapped everywhere (try_to_unmap()),
// written to swap and freed. Caller holds mmap_lock. Returns pages reclaimed.
unsigned long reclaim_anon_range(vm_area_struct* vma, unsigned long start, unsigned long end);
// The kswapd path: reclaims the anonymous page p (a 2 MiB head or a 4 KiB
// page) found by the caller, through the rmap and without mmap_lock — so it
// can run while another thread holds mmap_lock in mremap(). A huge page is
// split where it is mapped, then each 4 KiB page is paged out. The caller's
// reference is consumed. Returns the pages reclaimed.
unsigned long reclaim_anon_page(page* p);

// One anonymous order-0 page: unmap it everywhere, write it to swap, free it.
// The caller's reference is consumed. True if it was paged out.
bool pageout_anon_page(page* p);
