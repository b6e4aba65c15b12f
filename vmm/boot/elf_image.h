// An ELF64 x86-64 guest image: parsed, validated, and placed in guest RAM.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "shadow_mmu/address.h"

namespace shadowtlb::vmm {

// One PT_LOAD segment; file_bytes points into the image's own bytes.
struct ElfSegment {
  unsigned index = 0;  // position in the program header table, as `readelf -l` counts
  GuestPhysAddr paddr;
  GuestVirtAddr vaddr;
  std::span<const std::byte> file_bytes;  // copied to paddr; the rest up to mem_size is zero
  std::uint64_t mem_size = 0;
  bool executable = false;
  bool writable = false;
};

struct ElfImage {
  GuestVirtAddr entry;
  std::vector<ElfSegment> segments;

  // First guest-physical byte above every segment, rounded up to a page.
  [[nodiscard]] GuestPhysAddr end() const;
};

// Parses and checks the file itself (magic, class, data, machine, type,
// program headers inside the file, entry inside an executable segment,
// segments that do not overlap, vaddr one of the boot-table aliases of paddr).
// Throws ImageError with a one-line reason. The returned spans alias `file`.
[[nodiscard]] ElfImage parse_elf_image(std::span<const std::byte> file);

// Checks the image fits a machine with ram_bytes of RAM: every segment inside
// [IMAGE_MIN_PHYS, ram_bytes) and clear of the VMM's reserved areas
// (abi/memory_layout.h). Throws ImageError naming the segment.
void check_image_placement(const ElfImage& image, std::uint64_t ram_bytes);

}  // namespace shadowtlb::vmm
