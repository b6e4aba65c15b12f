// Dispatches HC_* calls (abi/hypercall.h) to the machine and the MMU backend.
#pragma once

#include <cstdint>

#include "vmm/exits/exit_context.h"
#include "vmm/exits/machine_services.h"
#include "vmm/exits/mmu_backend.h"

namespace shadowtlb::vmm {

class HypercallHandler {
 public:
  HypercallHandler(MachineServices& machine, MmuBackend& mmu) : machine_(machine), mmu_(mmu) {}

  // `nr` is the 32-bit value the guest wrote to HC_PORT; arguments are read
  // from the sync-regs block and the result is left in rax.
  [[nodiscard]] VcpuStep handle(ExitContext& ctx, std::uint32_t nr);

 private:
  VcpuStep exit(ExitContext& ctx, std::uint64_t status);
  VcpuStep report(ExitContext& ctx, GuestPhysAddr report_pa);
  std::int64_t mark(ExitContext& ctx, GuestPhysAddr name_pa, std::uint64_t value);
  std::int64_t shootdown(ExitContext& ctx, GuestPhysAddr request_pa);
  std::int64_t mmu_call(ExitContext& ctx, std::uint32_t nr);
  std::int64_t block_call(ExitContext& ctx, std::uint32_t nr);
  std::int64_t block_transfer(BlockDevice& device, std::uint32_t nr, std::uint64_t block,
                              GuestPhysAddr buffer, std::uint64_t nblocks);

  MachineServices& machine_;
  MmuBackend& mmu_;
};

}  // namespace shadowtlb::vmm
