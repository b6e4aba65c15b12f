// A vCPU's registers and the instruction at RIP, for a failure report.
#pragma once

#include "vmm/exits/exit_context.h"
#include "vmm/memory/guest_memory.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm {

// Snapshot from the sync-regs block (no ioctl), disassembled through the
// vCPU's current CR3.
[[nodiscard]] VcpuFailure capture_vcpu_failure(ExitContext& ctx, const GuestMemory& memory);

// The same for a guest-reported fault whose RIP differs from the vCPU's.
[[nodiscard]] VcpuFailure capture_vcpu_failure_at(ExitContext& ctx, const GuestMemory& memory,
                                                  std::uint64_t rip);

// Multi-line human rendering: vCPU, RIP and instruction, then the registers.
[[nodiscard]] std::string format_vcpu_failure(const VcpuFailure& failure);

}  // namespace shadowtlb::vmm
