// The /dev/kvm handle: API version, capabilities, CPUID the host supports.
#pragma once

#include <linux/kvm.h>

#include <cstddef>
#include <string>
#include <vector>

#include "vmm/kvm/unique_fd.h"

namespace shadowtlb::vmm {

class Kvm {
 public:
  // Opens the device and checks the API version and the capabilities shadowtlb
  // relies on. Throws KvmError naming the missing piece.
  static Kvm open(const std::string& path = "/dev/kvm");

  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] int check_extension(long capability) const;
  [[nodiscard]] std::size_t vcpu_mmap_size() const { return vcpu_mmap_size_; }
  [[nodiscard]] std::vector<kvm_cpuid_entry2> supported_cpuid() const;
  [[nodiscard]] UniqueFd create_vm() const;

 private:
  explicit Kvm(UniqueFd fd) : fd_(std::move(fd)) {}

  UniqueFd fd_;
  std::size_t vcpu_mmap_size_ = 0;
};

}  // namespace shadowtlb::vmm
