// The machine's block devices (disk, swap), opened from DiskOptions before the VM is built.
#pragma once

#include <array>
#include <memory>
#include <string_view>
#include <vector>

#include "abi/hypercall.h"
#include "vmm/builder/vm_config.h"
#include "vmm/devices/block_device.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm {

// The largest device: far beyond what the guest's file system and swap need,
// and small enough that a memory device never strains the host.
inline constexpr std::uint64_t kMaxBlockDeviceBytes = 4ull << 30;

// "disk", "swap": the names summaries use.
[[nodiscard]] std::string_view blk_dev_name(abi::blk_dev dev);

class BlockDevices {
 public:
  BlockDevices() = default;  // no devices at all
  // The disk (a FileDisk when options.path is set, else memory) and, unless
  // swap_bytes is 0, the swap area in memory. Throws ConfigError for a size
  // that is not whole blocks up to kMaxBlockDeviceBytes (the CLI checked it
  // already; this guards other callers), and what FileDisk::open throws.
  [[nodiscard]] static BlockDevices open(const DiskOptions& options);

  // Null when the machine has no such device.
  [[nodiscard]] BlockDevice* get(abi::blk_dev dev) const;
  void set(abi::blk_dev dev, std::unique_ptr<BlockDevice> device);

  // One per device present, in abi::blk_dev order.
  [[nodiscard]] std::vector<BlockDeviceReport> reports() const;

 private:
  static constexpr std::size_t kCount = abi::BLK_DEV_SWAP + 1;
  std::array<std::unique_ptr<BlockDevice>, kCount> devices_;
};

}  // namespace shadowtlb::vmm
