// What an exit handler sees: the vCPU that exited and the step it asks for.
//
// Handlers touch the vCPU only through its kvm_run block (sync regs), so they
// can be unit-tested with a kvm_run in plain memory and no KVM at all.
#pragma once

#include <linux/kvm.h>

#include <cstdint>

namespace shadowtlb::vmm {

// What the vCPU's run loop does after an exit has been handled.
enum class VcpuStep {
  resume,  // KVM_RUN again
  halt,    // park until the run stops (HLT with nothing to wake it)
  stop,    // the run is over for this vCPU
};

struct ExitContext {
  unsigned vcpu_id;
  kvm_run& run;

  [[nodiscard]] kvm_regs& regs() { return run.s.regs.regs; }
  [[nodiscard]] kvm_sregs& sregs() { return run.s.regs.sregs; }
  void mark_regs_dirty() { run.kvm_dirty_regs |= KVM_SYNC_X86_REGS; }
  void mark_sregs_dirty() { run.kvm_dirty_regs |= KVM_SYNC_X86_SREGS; }

  // The hypercall result register; KVM loads it on the next KVM_RUN.
  void set_result(std::int64_t value) {
    regs().rax = static_cast<std::uint64_t>(value);
    mark_regs_dirty();
  }
};

}  // namespace shadowtlb::vmm
