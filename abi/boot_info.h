// What the VMM hands the guest kernel at entry: machine size and command line.
#pragma once

#include <stdint.h>

namespace shadowtlb::abi {

inline constexpr uint64_t BOOT_INFO_MAGIC = 0x626f6f74544c4253ull;  // "SBLTtoob"
inline constexpr uint32_t BOOT_INFO_VERSION = 1;
inline constexpr uint32_t CMDLINE_MAX = 1024;  // including the NUL

// Entry state of every vCPU (the boot vCPU and each one HC_START_CPU starts):
//   64-bit long mode, CPL 0, paging on the VMM's boot tables (memory_layout.h),
//   interrupts off, rip = the ELF entry point,
//   rdi = direct-map virtual address of this struct, rsi = vCPU id,
//   rsp = 0: the kernel picks its own stack from the vCPU id.
struct boot_info {
  uint64_t magic;         // BOOT_INFO_MAGIC
  uint32_t version;       // BOOT_INFO_VERSION
  uint32_t vcpu_count;    // vCPUs the VMM created; ids 0..vcpu_count-1
  uint64_t ram_size;      // bytes of RAM at guest-physical 0
  uint64_t image_end;     // first guest-physical byte above the loaded image
  uint64_t seed;          // the run's --seed, for guest-side randomness
  uint64_t reserved[3];
  char cmdline[CMDLINE_MAX];  // NUL-terminated
};
static_assert(sizeof(boot_info) == 64 + CMDLINE_MAX, "boot_info is part of the ABI");

}  // namespace shadowtlb::abi
