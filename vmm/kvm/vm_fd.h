// A KVM VM file descriptor: memory slots and vCPU creation.
#pragma once

#include <cstdint>
#include <span>

#include "shadow_mmu/address.h"
#include "vmm/kvm/kvm.h"
#include "vmm/kvm/unique_fd.h"

namespace shadowtlb::vmm {

class VmFd {
 public:
  explicit VmFd(const Kvm& kvm) : fd_(kvm.create_vm()) {}

  [[nodiscard]] int fd() const { return fd_.get(); }

  // Maps host memory at gpa in slot `slot`; flags e.g. KVM_MEM_READONLY.
  void set_memory_region(std::uint32_t slot, GuestPhysAddr gpa, std::span<std::byte> host,
                         std::uint32_t flags = 0);
  [[nodiscard]] UniqueFd create_vcpu(unsigned id);

 private:
  UniqueFd fd_;
};

}  // namespace shadowtlb::vmm
