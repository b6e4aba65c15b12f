// Memory-slot and vCPU ioctls on a VM.
#include "vmm/kvm/vm_fd.h"

#include <sys/ioctl.h>

#include <cerrno>
#include <string>

#include "vmm/errors.h"

namespace shadowtlb::vmm {

void VmFd::set_memory_region(std::uint32_t slot, GuestPhysAddr gpa, std::span<std::byte> host,
                             std::uint32_t flags) {
  kvm_userspace_memory_region region{};
  region.slot = slot;
  region.flags = flags;
  region.guest_phys_addr = gpa.value();
  region.memory_size = host.size();
  region.userspace_addr = reinterpret_cast<std::uint64_t>(host.data());
  if (::ioctl(fd(), KVM_SET_USER_MEMORY_REGION, &region) < 0)
    throw KvmError("KVM_SET_USER_MEMORY_REGION (slot " + std::to_string(slot) + ")", errno);
}

UniqueFd VmFd::create_vcpu(unsigned id) {
  UniqueFd vcpu(::ioctl(fd(), KVM_CREATE_VCPU, static_cast<unsigned long>(id)));
  if (!vcpu.valid()) throw KvmError("KVM_CREATE_VCPU " + std::to_string(id), errno);
  return vcpu;
}

}  // namespace shadowtlb::vmm
