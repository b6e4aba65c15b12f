// The page tables every vCPU starts on, built by the VMM in its private region.
//
// They map all of RAM three times with 2 MiB pages (abi/memory_layout.h):
//   va = pa   |   va = DIRECT_MAP_BASE + pa   |   va = KERNEL_BASE + pa (first 2 GiB)
// so an image runs whether it was linked at its physical address, in the
// direct map, or at the kernel base. The guest kernel replaces them with its
// own as soon as it can (HC_MMU_LOAD_CR3).
#pragma once

#include "shadow_mmu/address.h"
#include "vmm/memory/guest_memory.h"

namespace shadowtlb::vmm {

// Writes the tables at the start of the private region; returns the PML4's address.
[[nodiscard]] GuestPhysAddr build_boot_page_tables(GuestMemory& memory);

// Bytes of private region the boot tables need for a machine with ram_bytes.
[[nodiscard]] std::uint64_t boot_page_tables_size(std::uint64_t ram_bytes);

}  // namespace shadowtlb::vmm
