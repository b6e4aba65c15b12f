// Small-object allocator: kmalloc/kzalloc/kfree over power-of-two size classes.
//
// Objects of 16..2048 bytes come from pages dedicated to one size class
// (PG_slab, class in page->private_); freed objects go to that class's LIFO
// list and are never returned to the page allocator. Larger requests get
// whole pages (PG_large_kmalloc), up to 2 MiB.
#pragma once

#include "guest/include/types.h"
#include "guest/mm/page_alloc.h"

void* kmalloc(size_t size, gfp_t gfp = GFP_KERNEL);  // null when out of memory
void* kzalloc(size_t size, gfp_t gfp = GFP_KERNEL);
void kfree(const void* obj);  // kfree(nullptr) does nothing
