// TLB flushes through the paravirtual MMU calls (Linux's asm/tlbflush.h).
//
// KVM gives the VMM no exit on `invlpg` (DESIGN.md §3), so every flush is a
// hypercall: local ones HC_MMU_FLUSH_LOCAL, remote ones HC_MMU_SHOOTDOWN,
// which returns once the target vCPUs' TLBs no longer hold the range, as an
// IPI shootdown waits for acknowledgements. Local flushes also run the native
// instruction, so the kernel stays correct where the hardware TLB is real.
#pragma once

#include "guest/include/cpumask.h"
#include "guest/include/types.h"

struct mm_struct;
struct vm_area_struct;

// This CPU: every non-global entry, one page, or npages pages from start.
void flush_tlb_local();
void flush_tlb_one_user(unsigned long addr);
void flush_tlb_local_range(unsigned long start, u64 npages);

// The CPUs in mask (this CPU is skipped if present): npages from start, or
// abi::FLUSH_ALL. Returns the VMM's answer (0, or a negated hc_error).
s64 flush_tlb_others(const cpumask_t* mask, unsigned long start, u64 npages);

// Every CPU that has mm loaded (local included) / every online CPU. A user
// mm's flushes are marked ("flush_tlb", then "flush_tlb.done", value start)
// so a schedule can stop a CPU between issuing a flush and its completion.
void flush_tlb_mm_range(mm_struct* mm, unsigned long start, unsigned long end);
// A VMA's mm (Linux's flush_tlb_range()/flush_tlb_page()).
void flush_tlb_range(vm_area_struct* vma, unsigned long start, unsigned long end);
void flush_tlb_page(vm_area_struct* vma, unsigned long addr);
// The 2 MiB entries of [start, end) (PMD aligned), one address per 2 MiB as
// Linux's flush_pmd_tlb_range(): invlpg of any address in a large page drops
// it (SDM 4.10.4.1), so a huge mapping needs no full flush.
void flush_pmd_tlb_range(vm_area_struct* vma, unsigned long start, unsigned long end);
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
