// The run loop's one switch on kvm_run::exit_reason (kvmtool's kvm_cpu__start shape).
#pragma once

#include "vmm/exits/exit_context.h"
#include "vmm/exits/hypercall_handler.h"
#include "vmm/exits/machine_services.h"
#include "vmm/exits/mmu_backend.h"

namespace shadowtlb::vmm {

class ExitDispatcher {
 public:
  ExitDispatcher(MachineServices& machine, HypercallHandler& hypercalls, MmuBackend& mmu)
      : machine_(machine), hypercalls_(hypercalls), mmu_(mmu) {}

  // Handles the exit now in ctx.vcpu.run(). An exit it does not know ends the
  // run as a VM error with its context; none is ever ignored.
  [[nodiscard]] VcpuStep handle(ExitContext& ctx);

 private:
  VcpuStep io(ExitContext& ctx);
  VcpuStep mmio(ExitContext& ctx);
  VcpuStep fail(ExitContext& ctx, Outcome outcome, std::string message);

  MachineServices& machine_;
  HypercallHandler& hypercalls_;
  MmuBackend& mmu_;
};

// "KVM_EXIT_IO" for 2; "exit reason N" for one this build does not name.
[[nodiscard]] std::string exit_reason_name(std::uint32_t reason);

}  // namespace shadowtlb::vmm
