// Virtual memory areas (Linux's vm_area_struct, mm/mmap.c's list handling).
//
// An mm's VMAs are a list sorted by address (Linux uses a maple tree; a scenario
// has a handful). Each VMA is also on its rmap list: the i_mmap list of the file
// it maps, or the list of its anon_vma. page_mkclean() and try_to_unmap() walk
// those lists to find every PTE of a page.
#pragma once

#include "guest/arch/x86/pgtable_types.h"
#include "guest/mm/mm_types.h"

struct file;
struct address_space;

// get_unmapped_area() starts here: far from anything a test maps by hand.
inline constexpr unsigned long MMAP_BASE = 0x1000'0000'0000ul;  // 16 TiB

// vm_flags (Linux's values where they exist).
inline constexpr unsigned long VM_READ = 0x1;
inline constexpr unsigned long VM_WRITE = 0x2;
inline constexpr unsigned long VM_EXEC = 0x4;
inline constexpr unsigned long VM_SHARED = 0x8;
inline constexpr unsigned long VM_MAYWRITE = 0x20;
inline constexpr unsigned long VM_HUGEPAGE = 0x20000000;  // madvise(MADV_HUGEPAGE): anonymous faults may map 2 MiB pages

// Anonymous pages' rmap: every VMA that may map pages of one anonymous region.
// mremap's copy joins the same anon_vma, so a page's index stays valid in both.
struct anon_vma {
  spinlock_t lock;           // Linux's anon_vma rwsem
  vm_area_struct* head;      // the VMAs, linked through vm_area_struct::rmap_next
  atomic_t refcount;         // VMAs using it
};

struct vm_area_struct {
  unsigned long vm_start, vm_end;  // [vm_start, vm_end), page aligned
  vm_area_struct* vm_next;         // the mm's list, sorted by address
  mm_struct* vm_mm;
  unsigned long vm_flags;
  pgprot_t vm_page_prot;           // the PTE bits a fault installs (before write/dirty)
  unsigned long vm_pgoff;          // file: offset in pages; anon: vm_start's linear page index
  file* vm_file;                   // null for anonymous memory
  anon_vma* anon;                  // null for a file mapping
  vm_area_struct* rmap_next;       // i_mmap list of the file, or the anon_vma's list
};

inline bool vma_is_anonymous(const vm_area_struct* vma) { return !vma->vm_file; }
inline unsigned long vma_pages(const vm_area_struct* vma) {
  return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}
// Where page offset pgoff of the VMA's file (or anon region) is mapped, if
// inside the VMA; ~0ul otherwise.
unsigned long vma_address(const vm_area_struct* vma, unsigned long pgoff);
inline unsigned long linear_page_index(const vm_area_struct* vma, unsigned long addr) {
  return ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

// The PTE protection for vm_flags. A writable shared mapping starts
// read-only: the first write faults so the page can be marked dirty
// (Linux's vma_wants_writenotify()).
pgprot_t vm_get_page_prot(unsigned long vm_flags);

// The first VMA with vm_end > addr, or null. Caller holds mm->mmap_lock.
vm_area_struct* find_vma(mm_struct* mm, unsigned long addr);
// The VMA containing addr, or null.
vm_area_struct* vma_lookup(mm_struct* mm, unsigned long addr);

// A new VMA (not linked), or null. Takes a reference on anon if given.
vm_area_struct* vm_area_alloc(mm_struct* mm, unsigned long start, unsigned long end,
                              unsigned long flags, unsigned long pgoff, file* f, anon_vma* anon);
void vm_area_free(vm_area_struct* vma);  // drops its file and anon_vma references
anon_vma* anon_vma_alloc();

// Inserts into the mm's list and its rmap list; the range must be free.
void vma_link(mm_struct* mm, vm_area_struct* vma);
// Removes from both lists (it may still be freed by the caller).
void vma_unlink(mm_struct* mm, vm_area_struct* vma);
// Splits vma at addr (page aligned, strictly inside): vma keeps the lower
// part, the new VMA (returned, linked) the upper part. Null when out of memory.
vm_area_struct* split_vma(mm_struct* mm, vm_area_struct* vma, unsigned long addr);

// A free range of len bytes aligned to align, at or above mm->mmap_base;
// -ENOMEM as an unsigned value when none is left below TASK_SIZE.
unsigned long get_unmapped_area(mm_struct* mm, unsigned long len, unsigned long align);

// The rmap list a VMA belongs on (Linux's i_mmap tree or anon_vma).
vm_area_struct** rmap_list_head(vm_area_struct* vma, spinlock_t** lock);
