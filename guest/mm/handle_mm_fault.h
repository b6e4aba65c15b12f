// Page faults on user addresses (Linux's handle_mm_fault() in mm/memory.c).
//
//   no VMA, or the access not allowed by it   ─► VM_FAULT_SIGSEGV
//   anonymous, pmd empty, VM_HUGEPAGE         ─► do_huge_pmd_anonymous_page (2 MiB)
//   anonymous, PTE empty                      ─► do_anonymous_page
//   anonymous, swap entry                     ─► do_swap_page
//   file, PTE empty                           ─► do_read_fault / do_shared_fault (write)
//   present, write to read-only PTE of a
//     writable shared mapping                 ─► do_wp_page: page_mkwrite, PTE dirty
#pragma once

#include "guest/include/types.h"

struct mm_struct;
struct vm_area_struct;

using vm_fault_t = unsigned;
inline constexpr vm_fault_t VM_FAULT_OK = 0;
inline constexpr vm_fault_t VM_FAULT_OOM = 1;
inline constexpr vm_fault_t VM_FAULT_SIGBUS = 2;    // past the end of the file
inline constexpr vm_fault_t VM_FAULT_SIGSEGV = 4;   // outside any VMA, or an access the VMA forbids

inline constexpr unsigned FAULT_FLAG_WRITE = 1;

// Takes mm->mmap_lock. The fault is resolved when this returns VM_FAULT_OK:
// the access can be retried.
vm_fault_t handle_user_fault(mm_struct* mm, unsigned long address, unsigned flags);
// With mmap_lock held and vma containing address.
vm_fault_t handle_mm_fault(vm_area_struct* vma, unsigned long address, unsigned flags);

struct fault_stats {
  u64 anon, file_read, file_write, wp, swap_in, huge_anon, sigsegv, sigbus;
};
fault_stats mm_fault_get_stats();
