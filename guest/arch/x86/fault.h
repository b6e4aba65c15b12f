// The #PF path (Linux's arch/x86/mm/fault.c): the VMM's TLB fill, spurious faults, then fixups.
//
//   #PF ─► HC_MMU_TLB_MISS ─ RETRY ─► return (the VMM filled this vCPU's TLB model)
//                    └ FAULT ─► spurious? (the current tables allow the access:
//                                a stale TLB entry refused it) ─► return, retry
//                               └ no ─► fixup table ─► else die()
//
// Spurious faults are what a permission increase without a flush produces
// (DESIGN.md §2 rule 5): a write through an entry cached read-only faults even
// though the PTE now allows it; the fault itself drops the stale entry (SDM
// 4.10.4.1), so retrying is the whole fix, as in Linux's spurious_kernel_fault()
// and handle_pte_fault().
#pragma once

#include "guest/include/types.h"

struct mm_struct;
struct pt_regs;

// Page-fault error code bits (SDM 4.7).
inline constexpr u64 X86_PF_PROT = 1u << 0;   // 0: not present, 1: protection violation
inline constexpr u64 X86_PF_WRITE = 1u << 1;
inline constexpr u64 X86_PF_USER = 1u << 2;
inline constexpr u64 X86_PF_RSVD = 1u << 3;
inline constexpr u64 X86_PF_INSTR = 1u << 4;

// Per-CPU #PF counters, kept by the CPU that took the faults.
struct pf_stats {
  u64 tlb_fills;     // #PFs the VMM resolved (HC_MMU_TLB_MISS answered RETRY)
  u64 guest_faults;  // #PFs handed to the guest's own handling (TLB_MISS_FAULT)
  u64 spurious;      // of those, ones the current tables allowed: simply retried
};
pf_stats page_fault_stats(unsigned cpu);

// True if mm's current tables allow the access error_code describes at
// address (a kernel address is looked up in init_mm). Walks through the
// page-table view for a user address: up to four exits.
bool fault_is_spurious(mm_struct* mm, unsigned long address, u64 error_code);

// The #PF handler proper (called by do_exception()).
void do_page_fault(pt_regs* regs);
