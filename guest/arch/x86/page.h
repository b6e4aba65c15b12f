// Page geometry and the kernel's two linear maps of RAM: direct map and image.
//
//   DIRECT_MAP_BASE + pa   every byte of RAM (Linux's page_offset_base)
//   KERNEL_BASE + pa       the kernel image, linked there (__START_KERNEL_map)
//
// Both are plain offsets, so any range in either maps to contiguous physical
// memory: a pointer into them can be handed to the VMM as one guest-physical
// address.
#pragma once

#include "abi/memory_layout.h"
#include "guest/include/types.h"

inline constexpr unsigned PAGE_SHIFT = 12;
inline constexpr u64 PAGE_SIZE = u64{1} << PAGE_SHIFT;
inline constexpr u64 PAGE_MASK = ~(PAGE_SIZE - 1);
inline constexpr unsigned PMD_SHIFT = 21;
inline constexpr u64 PMD_SIZE = u64{1} << PMD_SHIFT;  // a 2 MiB page
inline constexpr u64 PMD_MASK = ~(PMD_SIZE - 1);
inline constexpr unsigned PUD_SHIFT = 30;
inline constexpr u64 PUD_SIZE = u64{1} << PUD_SHIFT;
inline constexpr unsigned PGDIR_SHIFT = 39;
inline constexpr u64 PGDIR_SIZE = u64{1} << PGDIR_SHIFT;
inline constexpr unsigned PTRS_PER_TABLE = 512;
inline constexpr unsigned HPAGE_PMD_ORDER = PMD_SHIFT - PAGE_SHIFT;  // 9
static_assert(PAGE_SIZE == shadowtlb::abi::PAGE_SIZE && PMD_SIZE == shadowtlb::abi::HUGE_PAGE_SIZE);

inline constexpr unsigned long PAGE_OFFSET = shadowtlb::abi::DIRECT_MAP_BASE;
inline constexpr unsigned long START_KERNEL_MAP = shadowtlb::abi::KERNEL_BASE;
inline constexpr unsigned long TASK_SIZE = shadowtlb::abi::USER_VA_END;  // user mms below

// Kernel-image or direct-map address to guest-physical; anything else is a
// bug (user addresses need a page walk: walk_page_table()).
phys_addr_t virt_to_phys(const volatile void* p);

inline void* phys_to_virt(phys_addr_t pa) { return reinterpret_cast<void*>(PAGE_OFFSET + pa.val); }
inline phys_addr_t __pa(const volatile void* p) { return virt_to_phys(p); }
inline void* __va(phys_addr_t pa) { return phys_to_virt(pa); }

inline constexpr u64 PHYS_PFN(phys_addr_t pa) { return pa.val >> PAGE_SHIFT; }
inline constexpr phys_addr_t PFN_PHYS(u64 pfn) { return phys_addr_t(pfn << PAGE_SHIFT); }
