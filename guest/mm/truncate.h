// Dropping pages from the page cache (Linux's mm/truncate.c).
#pragma once

#include "guest/include/types.h"

struct address_space;

// Drops the clean, unmapped pages of [start, end] (page offsets); dirty or
// mapped ones stay. Returns how many it dropped.
unsigned long invalidate_mapping_pages(address_space* mapping, unsigned long start, unsigned long end);
// Zaps every PTE that maps a page of [holebegin, holebegin + holelen) (bytes;
// holelen 0: to the end) in every VMA of the file.
void unmap_mapping_range(address_space* mapping, u64 holebegin, u64 holelen);
// Drops every cached page from byte lstart on, dirty or not; zeroes the tail
// of a page that lstart cuts. The pages must be unmapped already.
void truncate_inode_pages(address_space* mapping, u64 lstart);
