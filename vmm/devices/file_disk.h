// A block device backed by a host file (--disk PATH): what the guest writes, a host test can read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "vmm/devices/block_device.h"
#include "vmm/kvm/unique_fd.h"

namespace shadowtlb::vmm {

class FileDisk final : public BlockDevice {
 public:
  // Opens `path` read-write and takes an exclusive lock on it, so two VMs
  // never share one disk file. A missing or empty file is created or grown
  // to `create_bytes`; any other file keeps its size, in whole blocks (the
  // bytes of a trailing partial block are never read or written).
  // Throws KvmError (naming the path and errno) when the host cannot open,
  // create, size or lock the file; ConfigError when the file exists but
  // cannot be a disk (not a regular file, or smaller than one block).
  [[nodiscard]] static std::unique_ptr<FileDisk> open(const std::filesystem::path& path,
                                                      std::uint64_t create_bytes);

  [[nodiscard]] std::string backing_path() const override { return path_.string(); }

 private:
  FileDisk(std::filesystem::path path, UniqueFd fd, std::uint64_t capacity)
      : BlockDevice(capacity), path_(std::move(path)), fd_(std::move(fd)) {}

  bool read_at(std::uint64_t offset, std::span<std::byte> data) override;
  bool write_at(std::uint64_t offset, std::span<const std::byte> data) override;
  bool sync() override;

  std::filesystem::path path_;
  UniqueFd fd_;
};

}  // namespace shadowtlb::vmm
