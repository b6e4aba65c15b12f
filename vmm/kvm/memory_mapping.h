// An owned mmap() region: anonymous guest memory or a vCPU's kvm_run page.
#pragma once

#include <cstddef>
#include <span>
#include <utility>

namespace shadowtlb::vmm {

class MemoryMapping {
 public:
  MemoryMapping() = default;
  // Zero-filled anonymous memory, reserved lazily (guest RAM, VMM tables).
  static MemoryMapping anonymous(std::size_t bytes);
  // A shared mapping of an fd (the kvm_run block of a vCPU).
  static MemoryMapping of_fd(int fd, std::size_t bytes);

  MemoryMapping(MemoryMapping&& other) noexcept
      : base_(std::exchange(other.base_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  MemoryMapping& operator=(MemoryMapping&& other) noexcept;
  MemoryMapping(const MemoryMapping&) = delete;
  MemoryMapping& operator=(const MemoryMapping&) = delete;
  ~MemoryMapping();

  [[nodiscard]] std::byte* data() const { return base_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::span<std::byte> bytes() const { return {base_, size_}; }

 private:
  MemoryMapping(std::byte* base, std::size_t size) : base_(base), size_(size) {}
  void release();

  std::byte* base_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace shadowtlb::vmm
