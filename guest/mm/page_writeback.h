// Dirty pages and writeback (Linux's mm/page-writeback.c).
//
// PG_dirty says the page is newer than the disk; a dirty PTE says the same
// and is moved to PG_dirty when the PTE is cleaned or zapped. Writeback first
// cleans every PTE of the page (clear_page_dirty_for_io() -> page_mkclean()),
// so a later write faults and dirties the page again — unless a stale TLB
// entry lets it through without a fault, which is the lost write.
#pragma once

#include "guest/mm/mm_types.h"

struct address_space;

// Every change of PG_dirty is reported to the VMM (HC_MMU_PAGE_DIRTY, the
// whole 2 MiB for a THP head): while a page is dirty, a write through a stale
// TLB entry reaches the disk with it, so the shadow MMU does not count it as
// a lost dirty bit.

// Marks p dirty; true if it was clean. Linux's set_page_dirty().
bool set_page_dirty(page* p);
// Prepares p for writeback: cleans its PTEs (moving their D bits to
// PG_dirty), then clears PG_dirty. True if p was dirty.
bool clear_page_dirty_for_io(page* p);
// Clears PG_dirty without writing: the data is being dropped (truncation).
// True if p was dirty. Linux's cancel_dirty_page().
bool cancel_dirty_page(page* p);

// HC_MMU_PAGE_DIRTY calls made: PG_dirty set, and cleared.
struct page_dirty_hints {
  u64 set;
  u64 cleared;
};
page_dirty_hints page_dirty_hint_counts();
// Writes the file page p to its disk block. 0 or -EIO.
int writepage(page* p);
// Writes back every dirty page of [start, end] (page offsets). 0 or the
// first error. Linux's __filemap_fdatawrite_range().
int filemap_fdatawrite_range(address_space* mapping, unsigned long start, unsigned long end);
