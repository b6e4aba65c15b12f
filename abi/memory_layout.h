// Guest-physical and boot-time virtual layout the VMM and the guest agree on.
//
//  guest-physical                         what
//  0x0000_0000 .. 0x0000_0fff             never mapped by convention (null page)
//  0x0000_1000 .. 0x0000_1fff             struct boot_info (VMM writes, guest reads)
//  0x0000_2000 .. 0x000f_ffff             reserved (ELF segments may not go here)
//  0x0010_0000 .. ram_size                the image, then free RAM
//  VMM_PRIVATE_BASE ..                    VMM-owned memslot: boot and real page
//                                         tables; never mapped for the guest
//  READONLY_ALIAS_BASE + pa               read-only memslot aliasing RAM: stale dirty
//                                         TLB entries point here (issue 3)
//  PT_VIEW_BASE + pa                      no memslot: the page-table view of RAM
//                                         (issue 3), every access exits as MMIO
//
// Boot tables map all RAM three times with 2 MiB pages, so an image can be linked
// at its physical address, in the direct map or at the kernel base:
//   va = pa,  va = DIRECT_MAP_BASE + pa,  va = KERNEL_BASE + pa
#pragma once

#include <stdint.h>

namespace shadowtlb::abi {

inline constexpr uint64_t PAGE_SIZE = 0x1000;
inline constexpr uint64_t HUGE_PAGE_SIZE = 0x200000;

inline constexpr uint64_t BOOT_INFO_PHYS = 0x1000;
inline constexpr uint64_t IMAGE_MIN_PHYS = 0x100000;

inline constexpr uint64_t RAM_MIN = 4ull << 20;   // below this nothing useful boots
inline constexpr uint64_t RAM_MAX = 64ull << 30;  // stays below VMM_PRIVATE_BASE

inline constexpr uint64_t VMM_PRIVATE_BASE = 0x0000'0080'0000'0000ull;  // 512 GiB
inline constexpr uint64_t READONLY_ALIAS_BASE = 0x0000'00c0'0000'0000ull;  // 768 GiB
inline constexpr uint64_t PT_VIEW_BASE = 0x0000'0100'0000'0000ull;      // 1 TiB

inline constexpr uint64_t DIRECT_MAP_BASE = 0xffff'8880'0000'0000ull;  // Linux's page_offset_base
inline constexpr uint64_t KERNEL_BASE = 0xffff'ffff'8000'0000ull;      // Linux's __START_KERNEL_map

// The lower half belongs to user address spaces (`mm`s); kernel threads run on
// them in ring 0 (DESIGN.md §3, visibility).
inline constexpr uint64_t USER_VA_END = 0x0000'8000'0000'0000ull;

inline constexpr uint32_t MAX_VCPUS = 64;

}  // namespace shadowtlb::abi
