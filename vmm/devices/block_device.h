// A block device the guest reaches with HC_BLK_* (abi/hypercall.h): range checks, lock, counters.
//
// The public calls are the same for every backing store; a backend (memory,
// a host file) only moves bytes at an offset that is already checked.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include "abi/hypercall.h"
#include "vmm/devices/block_stats.h"

namespace shadowtlb::vmm {

inline constexpr std::uint64_t kBlockSize = abi::BLK_BLOCK_SIZE;

enum class [[nodiscard]] BlockStatus {
  ok,
  out_of_range,  // past the device's end, or not a whole number of blocks
  io_error,      // the backing store failed (the host file)
};

// Several vCPU threads call one device at once: each request runs under the
// device's lock, so requests are atomic with respect to each other, as a
// disk that completes one command at a time.
class BlockDevice {
 public:
  virtual ~BlockDevice() = default;
  BlockDevice(const BlockDevice&) = delete;
  BlockDevice& operator=(const BlockDevice&) = delete;

  // In blocks of kBlockSize; fixed for the device's life.
  [[nodiscard]] std::uint64_t capacity() const { return capacity_; }
  // The host file behind the device; empty for a device in memory.
  [[nodiscard]] virtual std::string backing_path() const { return {}; }

  // `data` is a whole number of blocks, the first one at `block`. An empty
  // `data` is a valid request for any block up to capacity().
  BlockStatus read(std::uint64_t block, std::span<std::byte> data);
  BlockStatus write(std::uint64_t block, std::span<const std::byte> data);
  // Returns once every completed write is on the backing store's stable storage.
  BlockStatus flush();

  [[nodiscard]] BlockStats stats() const;

 protected:
  explicit BlockDevice(std::uint64_t capacity) : capacity_(capacity) {}

  // Called with the lock held and [offset, offset + data.size()) inside the device.
  [[nodiscard]] virtual bool read_at(std::uint64_t offset, std::span<std::byte> data) = 0;
  [[nodiscard]] virtual bool write_at(std::uint64_t offset, std::span<const std::byte> data) = 0;
  [[nodiscard]] virtual bool sync() = 0;

 private:
  [[nodiscard]] bool in_range(std::uint64_t block, std::size_t bytes) const;

  const std::uint64_t capacity_;
  mutable std::mutex mutex_;
  BlockStats stats_;
};

}  // namespace shadowtlb::vmm
