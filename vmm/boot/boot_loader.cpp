// Copying the image into RAM and describing the machine to the guest.
#include "vmm/boot/boot_loader.h"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

#include "abi/boot_info.h"
#include "abi/memory_layout.h"
#include "vmm/errors.h"

namespace shadowtlb::vmm {

void load_elf_segments(const ElfImage& image, GuestMemory& memory) {
  for (const ElfSegment& segment : image.segments)
    if (!memory.write_bytes(segment.paddr, segment.file_bytes))
      throw std::logic_error("image segment outside RAM after placement check");
}

void write_boot_info(GuestMemory& memory, const VmConfig& config, const ElfImage& image) {
  if (config.cmdline.size() >= abi::CMDLINE_MAX)
    throw ConfigError(fmt::format("--cmdline is {} bytes; the guest accepts at most {}",
                                  config.cmdline.size(), abi::CMDLINE_MAX - 1));
  abi::boot_info info{};
  info.magic = abi::BOOT_INFO_MAGIC;
  info.version = abi::BOOT_INFO_VERSION;
  info.vcpu_count = config.vcpus;
  info.ram_size = config.mem_bytes;
  info.image_end = image.end().value();
  info.seed = config.seed;
  std::memcpy(info.cmdline, config.cmdline.data(), config.cmdline.size());
  if (!memory.write(GuestPhysAddr(abi::BOOT_INFO_PHYS), info))
    throw std::logic_error("boot_info outside RAM");
}

}  // namespace shadowtlb::vmm
