// KVM_RUN and the setup-time register ioctls of one vCPU.
#include "vmm/kvm/vcpu_fd.h"

#include <sys/ioctl.h>

#include <cerrno>
#include <algorithm>
#include <memory>
#include <vector>

#include "vmm/errors.h"
#include "vmm/kvm/cpuid_ioctl.h"

namespace shadowtlb::vmm {

VcpuFd::VcpuFd(UniqueFd fd, std::size_t mmap_size)
    : fd_(std::move(fd)),
      run_mapping_(MemoryMapping::of_fd(fd_.get(), mmap_size)),
      run_(reinterpret_cast<kvm_run*>(run_mapping_.data())) {
  run_->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS;
}

VcpuFd::RunStatus VcpuFd::run_once() {
  run_->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS;
  int r = ::ioctl(fd_.get(), KVM_RUN, 0);
  // KVM consumed the dirty set on entry; a fresh exit starts clean.
  run_->kvm_dirty_regs = 0;
  if (r == 0) return RunStatus::exited;
  if (errno == EINTR || errno == EAGAIN) return RunStatus::interrupted;
  throw KvmError("KVM_RUN", errno);
}

void VcpuFd::set_cpuid(std::span<const kvm_cpuid_entry2> entries) {
  if (entries.size() > kMaxCpuidEntries) throw KvmError("KVM_SET_CPUID2", E2BIG);
  auto buffer = std::make_unique<KvmCpuidBuffer>();
  buffer->header.nent = static_cast<__u32>(entries.size());
  std::copy(entries.begin(), entries.end(), buffer->entries);
  if (::ioctl(fd_.get(), kKvmSetCpuid2, buffer.get()) < 0) throw KvmError("KVM_SET_CPUID2", errno);
}

kvm_sregs VcpuFd::get_sregs() {
  kvm_sregs sregs{};
  if (::ioctl(fd_.get(), KVM_GET_SREGS, &sregs) < 0) throw KvmError("KVM_GET_SREGS", errno);
  return sregs;
}

void VcpuFd::set_sregs(const kvm_sregs& sregs) {
  if (::ioctl(fd_.get(), KVM_SET_SREGS, &sregs) < 0) throw KvmError("KVM_SET_SREGS", errno);
}

void VcpuFd::set_regs(const kvm_regs& regs) {
  if (::ioctl(fd_.get(), KVM_SET_REGS, &regs) < 0) throw KvmError("KVM_SET_REGS", errno);
}

}  // namespace shadowtlb::vmm
