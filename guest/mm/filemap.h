// The page cache (Linux's mm/filemap.c): a file's pages, found by offset.
#pragma once

#include "guest/mm/mm_types.h"

struct address_space;

// The cached page at index with a reference, or null.
page* find_get_page(address_space* mapping, unsigned long index);
// The page at index with a reference, read from disk if not cached. Null with
// *err set: -EINVAL past the file's extent, -ENOMEM, -EIO.
page* read_cache_page(address_space* mapping, unsigned long index, int* err);
// Removes p from the cache and drops the cache's reference. The caller holds
// its own reference and has checked p is neither mapped nor dirty (or does
// not care: truncation).
void delete_from_page_cache(page* p);
// Disk block of page index of the mapping's file.
u64 mapping_block(address_space* mapping, unsigned long index);
