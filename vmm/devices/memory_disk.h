// A block device held in host memory: the swap area, and the disk without --disk.
#pragma once

#include <cstdint>

#include "vmm/devices/block_device.h"
#include "vmm/kvm/memory_mapping.h"

namespace shadowtlb::vmm {

class MemoryDisk final : public BlockDevice {
 public:
  // Zero-filled, `bytes` rounded down to whole blocks. The memory is reserved
  // lazily (anonymous mmap), so an unused 4 GiB device costs nothing.
  explicit MemoryDisk(std::uint64_t bytes);

 private:
  bool read_at(std::uint64_t offset, std::span<std::byte> data) override;
  bool write_at(std::uint64_t offset, std::span<const std::byte> data) override;
  bool sync() override { return true; }

  MemoryMapping store_;
};

}  // namespace shadowtlb::vmm
