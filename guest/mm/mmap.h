// The memory-mapping calls of the current task's mm (Linux's mm/mmap.c,
// mm/mremap.c and mm/madvise.c entry points). Every call takes mm->mmap_lock.
//
// Results follow the syscalls: an address, or a negated errno cast to
// unsigned long (IS_ERR_VALUE() tells them apart).
#pragma once

#include "guest/include/types.h"

struct file;
struct mm_struct;

inline constexpr unsigned long PROT_NONE = 0x0;
inline constexpr unsigned long PROT_READ = 0x1;
inline constexpr unsigned long PROT_WRITE = 0x2;
inline constexpr unsigned long MAP_SHARED = 0x01;
inline constexpr unsigned long MAP_PRIVATE = 0x02;
inline constexpr unsigned long MAP_FIXED = 0x10;
inline constexpr unsigned long MAP_ANONYMOUS = 0x20;
inline constexpr unsigned long MREMAP_MAYMOVE = 1;
inline constexpr unsigned long MREMAP_FIXED = 2;

inline constexpr int MADV_HUGEPAGE = 14;  // anonymous faults may map 2 MiB pages
inline constexpr int MADV_PAGEOUT = 21;   // reclaim the anonymous pages of the range now: split THPs, swap out

inline bool IS_ERR_VALUE(unsigned long x) { return x >= static_cast<unsigned long>(-4095); }

// mmap(): MAP_SHARED of a file (PROT_READ, optionally PROT_WRITE), or
// MAP_PRIVATE | MAP_ANONYMOUS. offset must be page aligned. MAP_FIXED
// replaces whatever is mapped at addr.
unsigned long vm_mmap(file* f, unsigned long addr, unsigned long len, unsigned long prot,
                      unsigned long flags, u64 offset);
// munmap(): 0 or -EINVAL.
int vm_munmap(unsigned long start, unsigned long len);
// mremap(): flags MREMAP_MAYMOVE, optionally with MREMAP_FIXED (then new_addr
// is where it goes, and whatever was there is unmapped). The range must lie
// within one VMA. Moves page tables, not pages: move_page_tables().
unsigned long sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len,
                         unsigned long flags, unsigned long new_addr);
// madvise(): MADV_HUGEPAGE, MADV_PAGEOUT. 0 or a negated errno.
int do_madvise(unsigned long start, unsigned long len, int advice);

// Unmaps [start, start + len) of mm (caller holds mmap_lock): splits VMAs at
// the edges, zaps their pages, unlinks and frees them.
int do_munmap(mm_struct* mm, unsigned long start, unsigned long len);
// The last mmput(): unmaps every VMA.
void exit_mmap(mm_struct* mm);
