// Reclaiming anonymous pages (Linux's mm/vmscan.c, the MADV_PAGEOUT path).
#pragma once

#include "guest/include/types.h"

struct page;
struct vm_area_struct;

// Pages out the anonymous pages mapped in [start, end) of vma: a 2 MiB page is
// split first; each 4 KiB page is unmapped everywhere (try_to_unmap()),
// written to swap and freed. Caller holds mmap_lock. Returns pages reclaimed.
unsigned long reclaim_anon_range(vm_area_struct* vma, unsigned long start, unsigned long end);
// One anonymous order-0 page: unmap it everywhere, write it to swap, free it.
// The caller's reference is consumed. True if it was paged out.
bool pageout_anon_page(page* p);
