// Opening /dev/kvm and querying what the host's KVM offers.
#include "vmm/kvm/kvm.h"

#include <fcntl.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "vmm/errors.h"
#include "vmm/kvm/cpuid_ioctl.h"

namespace shadowtlb::vmm {

Kvm Kvm::open(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) throw KvmError("open " + path, errno);
  Kvm kvm(std::move(fd));

  int version = ::ioctl(kvm.fd(), KVM_GET_API_VERSION, 0);
  if (version != KVM_API_VERSION)
    throw KvmError("KVM_GET_API_VERSION", "unsupported version " + std::to_string(version));
  // Sync regs let every exit read and write registers through kvm_run, so an
  // exit costs one ioctl (KVM_RUN) and never a GET/SET_REGS pair (DESIGN §6).
  long needed = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS;
  if ((kvm.check_extension(KVM_CAP_SYNC_REGS) & needed) != needed)
    throw KvmError("KVM_CAP_SYNC_REGS", "the host KVM lacks sync regs for REGS|SREGS|EVENTS");
  if (kvm.check_extension(KVM_CAP_IMMEDIATE_EXIT) <= 0)
    throw KvmError("KVM_CAP_IMMEDIATE_EXIT", "the host KVM cannot cancel KVM_RUN");

  int size = ::ioctl(kvm.fd(), KVM_GET_VCPU_MMAP_SIZE, 0);
  if (size <= 0) throw KvmError("KVM_GET_VCPU_MMAP_SIZE", errno);
  kvm.vcpu_mmap_size_ = static_cast<std::size_t>(size);
  return kvm;
}

int Kvm::check_extension(long capability) const {
  int r = ::ioctl(fd(), KVM_CHECK_EXTENSION, capability);
  return r < 0 ? 0 : r;
}

std::vector<kvm_cpuid_entry2> Kvm::supported_cpuid() const {
  auto buffer = std::make_unique<KvmCpuidBuffer>();
  buffer->header.nent = kMaxCpuidEntries;
  if (::ioctl(fd(), kKvmGetSupportedCpuid, buffer.get()) < 0)
    throw KvmError("KVM_GET_SUPPORTED_CPUID", errno);
  return {buffer->entries, buffer->entries + buffer->header.nent};
}

UniqueFd Kvm::create_vm() const {
  for (int attempt = 0;; ++attempt) {
    UniqueFd vm(::ioctl(fd(), KVM_CREATE_VM, 0));
    if (vm.valid()) return vm;
    // KVM_CREATE_VM can fail transiently with EINTR while the host is busy.
    if (errno != EINTR || attempt == 10) throw KvmError("KVM_CREATE_VM", errno);
  }
}

}  // namespace shadowtlb::vmm
