// The checks and bookkeeping every block device shares; backends only move bytes.
#include "vmm/devices/block_device.h"

namespace shadowtlb::vmm {

bool BlockDevice::in_range(std::uint64_t block, std::size_t bytes) const {
  if (bytes % kBlockSize != 0) return false;
  // Written so that no sum can wrap: block and bytes come from the guest.
  return block <= capacity_ && bytes / kBlockSize <= capacity_ - block;
}

BlockStatus BlockDevice::read(std::uint64_t block, std::span<std::byte> data) {
  if (!in_range(block, data.size())) return BlockStatus::out_of_range;
  std::lock_guard lock(mutex_);
  if (!data.empty() && !read_at(block * kBlockSize, data)) return BlockStatus::io_error;
  ++stats_.read_calls;
  stats_.blocks_read += data.size() / kBlockSize;
  return BlockStatus::ok;
}

BlockStatus BlockDevice::write(std::uint64_t block, std::span<const std::byte> data) {
  if (!in_range(block, data.size())) return BlockStatus::out_of_range;
  std::lock_guard lock(mutex_);
  if (!data.empty() && !write_at(block * kBlockSize, data)) return BlockStatus::io_error;
  ++stats_.write_calls;
  stats_.blocks_written += data.size() / kBlockSize;
  return BlockStatus::ok;
}

BlockStatus BlockDevice::flush() {
  std::lock_guard lock(mutex_);
  if (!sync()) return BlockStatus::io_error;
  ++stats_.flush_calls;
  return BlockStatus::ok;
}

BlockStats BlockDevice::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace shadowtlb::vmm
