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
  // The page cache and anonymous memory (issue 4).
  PG_uptodate = 1ul << 5,  // contents valid (read from disk or swap, or written whole)
  PG_dirty = 1ul << 6,     // newer than its copy on disk/swap: write back before dropping
  PG_head = 1ul << 7,      // first page of a 2 MiB transparent huge page
  PG_pgtable = 1ul << 8,   // a user page-table page: its ptl is the split PTE lock
};

// page->mapping of an anonymous page points at its anon_vma with this bit set
// (Linux's PAGE_MAPPING_ANON); a page-cache page's points at its address_space.
inline constexpr unsigned long PAGE_MAPPING_ANON = 1;

// The frame descriptor, Linux's struct page. mem_map holds one per frame of
// RAM; it arrives zeroed from the VMM, so nothing initializes it at boot.
struct page {
  unsigned long flags;
  atomic_t _refcount;
  unsigned int order;        // order of the block this page heads (free or allocated)
  page* buddy_next;          // free-list link while PG_buddy
  unsigned long private_;    // owner's word (kmalloc: size class; anon page being paged out: its swap slot)
  void* mapping;             // address_space, or anon_vma | PAGE_MAPPING_ANON; null if neither
  unsigned long index;       // page offset in mapping (anon: the linear page index, vm_pgoff-based)
  atomic_t _mapcount;        // PTEs/PMDs mapping it (0-based, unlike Linux's -1)
  u32 _pad;
  spinlock_t ptl;            // PG_pgtable: the split lock of the PTEs in this table page
};
static_assert(sizeof(page) == 64, "keep struct page one cache line, like Linux");

// An address space. init_mm holds the kernel's tables; a user mm (mm_alloc())
// owns its lower half and shares init_mm's upper-half pgd entries.
struct vm_area_struct;

struct mm_struct {
  pgd_t* pgd;                  // the root table (pgd_alloc(): a view pointer for a user mm)
  atomic_t mm_users;           // references: creator, kthread_use_mm() users
  spinlock_t page_table_lock;  // table allocation, map/unmap, and every pmd entry (the pmd lock)
  // Linux's mmap_lock is a rwsem; here it is exclusive: taken by mmap,
  // munmap, mremap, madvise and the fault handler. Never held across schedule().
  spinlock_t mmap_lock;
  vm_area_struct* mmap;        // VMAs sorted by address (guest/mm/vma.h)
  unsigned long mmap_base;     // get_unmapped_area() hands out addresses from here up
  cpumask_t cpu_bitmap;        // CPUs that have this mm loaded in CR3
  // User mms: every table below the pgd covers only [pt_start, pt_end)
  // (grown by map_*), so teardown visits just that range. Empty if equal.
  unsigned long pt_start, pt_end;
};

extern mm_struct init_mm;

inline cpumask_t* mm_cpumask(mm_struct* mm) { return &mm->cpu_bitmap; }
