// The page-table view: the kernel's only way into a user mm's page-table pages (DESIGN.md §3).
//
//   PT_VIEW_START + pa   --(kernel 2 MiB pages)-->   abi::PT_VIEW_BASE + pa   (no memslot)
//
// The guest-physical alias behind the view has no memory, so every load and
// store through it exits to the VMM as MMIO: the VMM performs it on RAM and is
// the one writer of guest PTEs, which lets it record the change and mark the
// TLB entries it makes stale before the write completes. Each access costs an
// exit (~8 µs): walks through the view read each entry once.
//
// Which tables go through the view (pgtable_virt() decides):
//   a user mm's pgd, and every table below its lower-half entries   -> view
//   init_mm's tables, and the kernel tables a user pgd's upper half
//   shares with it (direct map, kernel image, this view)              -> direct map
#pragma once

#include "abi/memory_layout.h"
#include "guest/arch/x86/page.h"

// Linux's vmalloc base: unused here otherwise, and clear of the direct map and
// the kernel image (pgd entry 402 of 512).
inline constexpr unsigned long PT_VIEW_START = 0xffffc90000000000ul;
// Big enough for the largest RAM; only round_up(ram_size, 2 MiB) is mapped.
inline constexpr u64 PT_VIEW_SIZE = shadowtlb::abi::RAM_MAX;
inline constexpr u64 PT_VIEW_PHYS_BASE = shadowtlb::abi::PT_VIEW_BASE;

inline void* pt_view_virt(phys_addr_t pa) { return reinterpret_cast<void*>(PT_VIEW_START + pa.val); }

inline bool is_pt_view_addr(const volatile void* p) {
  return reinterpret_cast<unsigned long>(p) - PT_VIEW_START < PT_VIEW_SIZE;
}

// The RAM address behind a view pointer (the caller checked is_pt_view_addr()).
inline phys_addr_t pt_view_phys(const volatile void* p) {
  return phys_addr_t(reinterpret_cast<unsigned long>(p) - PT_VIEW_START);
}

// Boot: maps the view in init_mm (before kernel_pgd_freeze()).
void pt_view_init(u64 ram_size);

// Writes zero to every entry of the table page at pa through the view: 512
// exits. For a page that may hold old data and is about to become a user
// table; never-used RAM is already zero and needs none.
void pt_view_clear_page(phys_addr_t pa);

static_assert(PT_VIEW_START % PGDIR_SIZE == 0, "the view owns whole pgd entries");
static_assert(PT_VIEW_START >= PAGE_OFFSET + shadowtlb::abi::RAM_MAX, "clear of the direct map");
static_assert(PT_VIEW_START + PT_VIEW_SIZE <= START_KERNEL_MAP, "clear of the kernel image");
