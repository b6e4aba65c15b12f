// A KVM vCPU: its kvm_run block, KVM_RUN, and registers through sync regs.
//
// On the exit path registers are read and written only through kvm_run's
// sync-regs block (DESIGN §6: a vCPU ioctl costs ~6 us, as much as the exit).
// The GET/SET ioctls below are for setup before the first KVM_RUN.
#pragma once

#include <linux/kvm.h>

#include <cstddef>
#include <span>

#include "vmm/kvm/memory_mapping.h"
#include "vmm/kvm/unique_fd.h"

namespace shadowtlb::vmm {

class VcpuFd {
 public:
  VcpuFd(UniqueFd fd, std::size_t mmap_size);

  [[nodiscard]] kvm_run& run() { return *run_; }

  enum class RunStatus { exited, interrupted };
  // One KVM_RUN. `interrupted`: a kick (signal or immediate_exit) ended it
  // before any exit. Any other failure throws KvmError.
  [[nodiscard]] RunStatus run_once();

  // Registers as of the last exit (valid after run_once returned `exited`
  // or `interrupted`). Mark them dirty to have KVM load them on the next run.
  [[nodiscard]] kvm_regs& regs() { return run_->s.regs.regs; }
  [[nodiscard]] kvm_sregs& sregs() { return run_->s.regs.sregs; }
  void mark_regs_dirty() { run_->kvm_dirty_regs |= KVM_SYNC_X86_REGS; }
  void mark_sregs_dirty() { run_->kvm_dirty_regs |= KVM_SYNC_X86_SREGS; }

  // Setup-time ioctls.
  void set_cpuid(std::span<const kvm_cpuid_entry2> entries);
  [[nodiscard]] kvm_sregs get_sregs();
  void set_sregs(const kvm_sregs& sregs);
  void set_regs(const kvm_regs& regs);

 private:
  UniqueFd fd_;
  MemoryMapping run_mapping_;
  kvm_run* run_;
};

}  // namespace shadowtlb::vmm
