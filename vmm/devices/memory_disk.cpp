// MemoryDisk: a block device's bytes in an anonymous mapping.
#include "vmm/devices/memory_disk.h"

#include <cstring>

namespace shadowtlb::vmm {
namespace {

// mmap refuses a zero length; a device smaller than a block holds nothing.
MemoryMapping zeroed_blocks(std::uint64_t blocks) {
  return blocks == 0 ? MemoryMapping() : MemoryMapping::anonymous(blocks * kBlockSize);
}

}  // namespace

MemoryDisk::MemoryDisk(std::uint64_t bytes)
    : BlockDevice(bytes / kBlockSize), store_(zeroed_blocks(bytes / kBlockSize)) {}

bool MemoryDisk::read_at(std::uint64_t offset, std::span<std::byte> data) {
  std::memcpy(data.data(), store_.data() + offset, data.size());
  return true;
}

bool MemoryDisk::write_at(std::uint64_t offset, std::span<const std::byte> data) {
  std::memcpy(store_.data() + offset, data.data(), data.size());
  return true;
}

}  // namespace shadowtlb::vmm
