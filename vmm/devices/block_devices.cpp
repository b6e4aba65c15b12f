// Choosing each device's backing store from the options, and reporting on them after the run.
#include "vmm/devices/block_devices.h"

#include <fmt/format.h>

#include "vmm/devices/file_disk.h"
#include "vmm/devices/memory_disk.h"
#include "vmm/errors.h"

namespace shadowtlb::vmm {

std::string_view blk_dev_name(abi::blk_dev dev) {
  switch (dev) {
    case abi::BLK_DEV_DISK: return "disk";
    case abi::BLK_DEV_SWAP: return "swap";
  }
  return "unknown";
}

namespace {

void check_size(std::uint64_t bytes, std::string_view what) {
  if (bytes % kBlockSize != 0 || bytes > kMaxBlockDeviceBytes)
    throw ConfigError(fmt::format("{} {}: a block device is whole 4 KiB blocks, at most 4 GiB",
                                  what, bytes));
}

}  // namespace

BlockDevices BlockDevices::open(const DiskOptions& options) {
  check_size(options.disk_bytes, "--disk-size");
  check_size(options.swap_bytes, "--swap-size");
  if (options.disk_bytes == 0)
    throw ConfigError("--disk-size 0: the disk needs at least one block");
  BlockDevices devices;
  if (options.path.empty())
    devices.set(abi::BLK_DEV_DISK, std::make_unique<MemoryDisk>(options.disk_bytes));
  else
    devices.set(abi::BLK_DEV_DISK, FileDisk::open(options.path, options.disk_bytes));
  if (options.swap_bytes != 0)
    devices.set(abi::BLK_DEV_SWAP, std::make_unique<MemoryDisk>(options.swap_bytes));
  return devices;
}

BlockDevice* BlockDevices::get(abi::blk_dev dev) const {
  return dev < kCount ? devices_[dev].get() : nullptr;
}

void BlockDevices::set(abi::blk_dev dev, std::unique_ptr<BlockDevice> device) {
  if (dev < kCount) devices_[dev] = std::move(device);
}

std::vector<BlockDeviceReport> BlockDevices::reports() const {
  std::vector<BlockDeviceReport> out;
  for (std::size_t i = 0; i < kCount; ++i) {
    const BlockDevice* d = devices_[i].get();
    if (d == nullptr) continue;
    out.push_back({std::string(blk_dev_name(static_cast<abi::blk_dev>(i))), d->backing_path(),
                   d->capacity(), d->stats()});
  }
  return out;
}

}  // namespace shadowtlb::vmm
