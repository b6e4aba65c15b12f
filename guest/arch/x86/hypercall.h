// The one instruction that calls the VMM, and a typed wrapper per hypercall.
//
// ABI (abi/hypercall.h): `outl %eax, $HC_PORT` with the call number in eax,
// arguments in rdi, rsi, rdx, r10, r8, r9 and the result in rax. Pointer
// arguments are guest-physical: callers convert with virt_to_phys().
#pragma once

#include "abi/hypercall.h"
#include "guest/arch/x86/asm_defs.h"
#include "guest/include/types.h"

namespace abi = shadowtlb::abi;

static_assert(abi::HC_PORT == HC_PORT_IMM && abi::HC_YIELD == HC_YIELD_NR);

// "memory": the VMM may read or write guest memory (reports, requests), so the
// compiler must not keep memory values in registers across the call.
//
// One wrapper per argument count: guest ring 0 is emulated here at roughly a
// microsecond an instruction after an exit (bench/exit_cost.md), so a call
// must not spend instructions zeroing argument registers it does not use.
inline s64 hypercall(abi::hc nr) {
  u64 rax = nr;
  asm volatile("outl %%eax, %[port]" : "+a"(rax) : [port] "i"(abi::HC_PORT) : "memory");
  return static_cast<s64>(rax);
}
inline s64 hypercall(abi::hc nr, u64 a0) {
  u64 rax = nr;
  asm volatile("outl %%eax, %[port]" : "+a"(rax) : [port] "i"(abi::HC_PORT), "D"(a0) : "memory");
  return static_cast<s64>(rax);
}
inline s64 hypercall(abi::hc nr, u64 a0, u64 a1) {
  u64 rax = nr;
  asm volatile("outl %%eax, %[port]"
               : "+a"(rax)
               : [port] "i"(abi::HC_PORT), "D"(a0), "S"(a1)
               : "memory");
  return static_cast<s64>(rax);
}
inline s64 hypercall(abi::hc nr, u64 a0, u64 a1, u64 a2) {
  u64 rax = nr;
  asm volatile("outl %%eax, %[port]"
               : "+a"(rax)
               : [port] "i"(abi::HC_PORT), "D"(a0), "S"(a1), "d"(a2)
               : "memory");
  return static_cast<s64>(rax);
}
// r10 has no constraint letter: a register variable pins the fourth argument.
inline s64 hypercall(abi::hc nr, u64 a0, u64 a1, u64 a2, u64 a3) {
  u64 rax = nr;
  register u64 r10 asm("r10") = a3;
  asm volatile("outl %%eax, %[port]"
               : "+a"(rax)
               : [port] "i"(abi::HC_PORT), "D"(a0), "S"(a1), "d"(a2), "r"(r10)
               : "memory");
  return static_cast<s64>(rax);
}

inline s64 hc_exit(s64 status) { return hypercall(abi::HC_EXIT, static_cast<u64>(status)); }
inline s64 hc_start_cpu(unsigned cpu) { return hypercall(abi::HC_START_CPU, cpu); }
inline s64 hc_report(phys_addr_t report) { return hypercall(abi::HC_REPORT, report.val); }
inline u64 hc_clock_ns() { return static_cast<u64>(hypercall(abi::HC_CLOCK)); }
inline s64 hc_nop() { return hypercall(abi::HC_NOP); }
inline void hc_yield() { hypercall(abi::HC_YIELD); }
inline s64 hc_mark(phys_addr_t name, u64 value) { return hypercall(abi::HC_MARK, name.val, value); }

inline s64 hc_mmu_load_cr3(phys_addr_t root, u64 flags) {
  return hypercall(abi::HC_MMU_LOAD_CR3, root.val, flags);
}
inline s64 hc_mmu_flush_local(unsigned long va, u64 npages) {
  return hypercall(abi::HC_MMU_FLUSH_LOCAL, va, npages);
}
inline s64 hc_mmu_shootdown(phys_addr_t request) { return hypercall(abi::HC_MMU_SHOOTDOWN, request.val); }
inline s64 hc_mmu_tlb_miss(unsigned long va, u64 error_code, unsigned long ip) {
  return hypercall(abi::HC_MMU_TLB_MISS, va, error_code, ip);
}
inline s64 hc_mmu_page_freed(u64 pfn, unsigned order) { return hypercall(abi::HC_MMU_PAGE_FREED, pfn, order); }
inline s64 hc_mmu_page_reused(u64 pfn, unsigned order) {
  return hypercall(abi::HC_MMU_PAGE_REUSED, pfn, order);
}
inline s64 hc_mmu_page_dirty(u64 pfn, unsigned order, bool dirty) {
  return hypercall(abi::HC_MMU_PAGE_DIRTY, pfn, order, dirty ? 1 : 0);
}

// Block devices: buf is the guest-physical address of nblocks * BLK_BLOCK_SIZE
// contiguous bytes. Results are negated abi::hc_error values, not errno.
inline s64 hc_blk_info(abi::blk_dev dev) { return hypercall(abi::HC_BLK_INFO, dev); }
inline s64 hc_blk_read(abi::blk_dev dev, u64 block, phys_addr_t buf, u64 nblocks) {
  return hypercall(abi::HC_BLK_READ, dev, block, buf.val, nblocks);
}
inline s64 hc_blk_write(abi::blk_dev dev, u64 block, phys_addr_t buf, u64 nblocks) {
  return hypercall(abi::HC_BLK_WRITE, dev, block, buf.val, nblocks);
}
inline s64 hc_blk_flush(abi::blk_dev dev) { return hypercall(abi::HC_BLK_FLUSH, dev); }

// A bare port write the VMM acknowledges and ignores: the raw KVM exit cost.
inline void raw_exit() {
  asm volatile("outl %%eax, %[port]" : : [port] "i"(abi::HC_RAW_PORT), "a"(0) : "memory");
}
