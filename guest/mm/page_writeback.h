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

// Marks p dirty; true if it was clean. Linux's set_page_dirty().
bool set_page_dirty(page* p);
// Prepares p for writeback: cleans its PTEs (moving their D bits to
// PG_dirty), then clears PG_dirty. True if p was dirty.
bool clear_page_dirty_for_io(page* p);
// Writes the file page p to its disk block. 0 or -EIO.
int writepage(page* p);
// Writes back every dirty page of [start, end] (page offsets). 0 or the
// first error. Linux's __filemap_fdatawrite_range().
int filemap_fdatawrite_range(address_space* mapping, unsigned long start, unsigned long end);
