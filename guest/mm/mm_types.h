// struct page (one per physical frame) and struct mm_struct (an address space).
#pragma once

#include "guest/arch/x86/pgtable_types.h"
#include "guest/include/atomic.h"
#include "guest/include/cpumask.h"
#include "guest/kernel/spinlock.h"

// Page flags (page->flags bits).
enum : unsigned long {
  PG_reserved = 1ul << 0,  // never handed out (kernel image, mem_map)
  PG_buddy = 1ul << 1,     // head of a free block in the allocator
  PG_fresh = 1ul << 2,     // head of a free block never used since boot (still zero)
  PG_slab = 1ul << 3,      // kmalloc objects live in this page
  PG_large_kmalloc = 1ul << 4,
};

// The frame descriptor, Linux's struct page. mem_map holds one per frame of
// RAM; it arrives zeroed from the VMM, so nothing initializes it at boot.
struct page {
  unsigned long flags;
  atomic_t _refcount;
  unsigned int order;        // order of the block this page heads (free or allocated)
  page* buddy_next;          // free-list link while PG_buddy
  unsigned long private_;    // owner's word (kmalloc: size class)
  void* mapping;             // for the page cache (later issues)
  unsigned long index;       // offset in mapping
  u64 reserved[2];
};
static_assert(sizeof(page) == 64, "keep struct page one cache line, like Linux");

// An address space. init_mm holds the kernel's tables; a user mm (mm_alloc())
// owns its lower half and shares init_mm's upper-half pgd entries.
struct mm_struct {
  pgd_t* pgd;                  // the root table (pgd_alloc(): a view pointer for a user mm)
  atomic_t mm_users;           // references: creator, kthread_use_mm() users
  spinlock_t page_table_lock;  // serializes table allocation and map/unmap
  cpumask_t cpu_bitmap;        // CPUs that have this mm loaded in CR3
  // User mms: every table below the pgd covers only [pt_start, pt_end)
  // (grown by map_*), so teardown visits just that range. Empty if equal.
  unsigned long pt_start, pt_end;
};

extern mm_struct init_mm;

inline cpumask_t* mm_cpumask(mm_struct* mm) { return &mm->cpu_bitmap; }
