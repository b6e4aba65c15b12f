// Places a parsed image and the boot_info page in guest RAM.
#pragma once

#include "vmm/boot/elf_image.h"
#include "vmm/builder/vm_config.h"
#include "vmm/memory/guest_memory.h"

namespace shadowtlb::vmm {

// Copies every PT_LOAD segment to its paddr; the bss part stays zero because
// guest RAM arrives zero-filled. The image must have passed check_image_placement.
void load_elf_segments(const ElfImage& image, GuestMemory& memory);

// Fills struct boot_info (abi/boot_info.h) at BOOT_INFO_PHYS. A command line
// longer than CMDLINE_MAX - 1 is a ConfigError, never silently cut.
void write_boot_info(GuestMemory& memory, const VmConfig& config, const ElfImage& image);

}  // namespace shadowtlb::vmm
