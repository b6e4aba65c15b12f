// Control registers, MSRs and small CPU instructions (SDM vol. 3, 2.5 and 2.8).
#pragma once

#include "guest/include/types.h"

inline constexpr u64 X86_CR0_WP = 1ull << 16;  // ring 0 honours read-only pages (SDM 2.5)
inline constexpr u64 X86_CR4_PGE = 1ull << 7;
inline constexpr u64 X86_CR4_SMEP = 1ull << 20;
inline constexpr u64 X86_CR4_SMAP = 1ull << 21;

inline constexpr u32 MSR_EFER = 0xc0000080;
inline constexpr u32 MSR_FS_BASE = 0xc0000100;
inline constexpr u32 MSR_GS_BASE = 0xc0000101;
inline constexpr u32 MSR_KERNEL_GS_BASE = 0xc0000102;
inline constexpr u64 EFER_NX = 1ull << 11;

inline u64 read_cr0() {
  u64 v;
  asm volatile("mov %%cr0, %0" : "=r"(v));
  return v;
}
inline void write_cr0(u64 v) { asm volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
inline u64 read_cr2() {
  u64 v;
  asm volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}
inline u64 read_cr4() {
  u64 v;
  asm volatile("mov %%cr4, %0" : "=r"(v));
  return v;
}
inline void write_cr4(u64 v) { asm volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
// No write_cr3(): the guest loads CR3 only through HC_MMU_LOAD_CR3 (mmu_context.h).

inline u64 rdmsr(u32 msr) {
  u32 lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (u64{hi} << 32) | lo;
}
inline void wrmsr(u32 msr, u64 v) {
  asm volatile("wrmsr" : : "c"(msr), "a"(static_cast<u32>(v)), "d"(static_cast<u32>(v >> 32)) : "memory");
}

inline void native_invlpg(unsigned long va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }
inline void cpu_relax() { asm volatile("pause" ::: "memory"); }

inline unsigned long read_rbp() {
  unsigned long v;
  asm volatile("mov %%rbp, %0" : "=r"(v));
  return v;
}
