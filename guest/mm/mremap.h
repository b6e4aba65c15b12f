// Moving page tables for mremap() (Linux's mm/mremap.c), with the historical
// TLB-flush orderings of the seed bug (../shared/seed/mremap-race-commit.txt),
// chosen by `mremap_flush=` on the guest command line:
//
//   after-unlock          before the fix: move_ptes() drops the page-table
//                         locks with the old entries still in other CPUs'
//                         TLBs; one flush_tlb_range() over the whole old range
//                         ends move_page_tables().
//   dirty-before-unlock   the fix (Linux 4.9): a move_ptes()/move_huge_pmd()
//                         that moved a present dirty entry flushes its old
//                         range before dropping the locks; the final range
//                         flush runs only if some call did not flush.
//   always-before-unlock  Linux 4.20 on: every call that moved a present entry
//                         flushes before dropping the locks; no final flush.
#pragma once

#include "guest/include/types.h"

struct vm_area_struct;

enum class mremap_flush_policy { after_unlock, dirty_before_unlock, always_before_unlock };

// The policy from the command line (default after-unlock, the unfixed kernel:
// this tool exists to show the bug). Panics on an unknown value.
mremap_flush_policy mremap_flush_mode();
const char* mremap_flush_name(mremap_flush_policy p);

// Moves the entries of [old_addr, old_addr + len) of vma to new_addr in
// new_vma (same mm), as Linux's move_page_tables(): PMD by PMD, a whole huge
// PMD with move_huge_pmd(), anything else with move_ptes(). Returns the bytes
// moved (less than len only when out of memory).
unsigned long move_page_tables(vm_area_struct* vma, unsigned long old_addr, vm_area_struct* new_vma,
                               unsigned long new_addr, unsigned long len);

// Called by move_ptes()/move_huge_pmd() with the page-table locks still held,
// after moving the entries of [old_start, old_end): flushes that range now if
// the policy says so for what moved (any present entry; any present and
// dirty one), or else sets *need_flush for the final flush of
// move_page_tables() (never under always-before-unlock).
void mremap_flush_moved(vm_area_struct* vma, unsigned long old_start, unsigned long old_end,
                        bool moved_present, bool moved_dirty, bool* need_flush);

// Counters for tests: flush_tlb_range() calls made by move_page_tables(),
// by where they happened.
struct mremap_stats {
  u64 flushes_before_unlock;
  u64 flushes_after_unlock;
  u64 ptes_moved;
  u64 huge_pmds_moved;
};
mremap_stats mremap_get_stats();
