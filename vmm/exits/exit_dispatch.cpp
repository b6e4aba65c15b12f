// Exit dispatch: port I/O to the console or the hypercall port, failures to the machine.
#include "vmm/exits/exit_dispatch.h"

#include <fmt/format.h>

#include <cstring>

#include "abi/hypercall.h"
#include "abi/memory_layout.h"
#include "vmm/exits/vcpu_failure.h"

namespace shadowtlb::vmm {

std::string exit_reason_name(std::uint32_t reason) {
  switch (reason) {
    case KVM_EXIT_UNKNOWN: return "KVM_EXIT_UNKNOWN";
    case KVM_EXIT_EXCEPTION: return "KVM_EXIT_EXCEPTION";
    case KVM_EXIT_IO: return "KVM_EXIT_IO";
    case KVM_EXIT_HYPERCALL: return "KVM_EXIT_HYPERCALL";
    case KVM_EXIT_DEBUG: return "KVM_EXIT_DEBUG";
    case KVM_EXIT_HLT: return "KVM_EXIT_HLT";
    case KVM_EXIT_MMIO: return "KVM_EXIT_MMIO";
    case KVM_EXIT_SHUTDOWN: return "KVM_EXIT_SHUTDOWN";
    case KVM_EXIT_FAIL_ENTRY: return "KVM_EXIT_FAIL_ENTRY";
    case KVM_EXIT_INTR: return "KVM_EXIT_INTR";
    case KVM_EXIT_INTERNAL_ERROR: return "KVM_EXIT_INTERNAL_ERROR";
    case KVM_EXIT_SYSTEM_EVENT: return "KVM_EXIT_SYSTEM_EVENT";
    case KVM_EXIT_X86_RDMSR: return "KVM_EXIT_X86_RDMSR";
    case KVM_EXIT_X86_WRMSR: return "KVM_EXIT_X86_WRMSR";
    default: return fmt::format("exit reason {}", reason);
  }
}

VcpuStep ExitDispatcher::handle(ExitContext& ctx) {
  kvm_run& run = ctx.run;
  switch (run.exit_reason) {
    case KVM_EXIT_IO:
      return io(ctx);
    case KVM_EXIT_MMIO:
      return mmio(ctx);
    case KVM_EXIT_HLT:
      // Nothing can wake a halted vCPU: shadowtlb guests have no interrupts.
      return VcpuStep::halt;
    case KVM_EXIT_SHUTDOWN:
      return fail(ctx, Outcome::triple_fault, fmt::format("triple fault on vCPU {}", ctx.vcpu_id));
    case KVM_EXIT_FAIL_ENTRY:
      return fail(ctx, Outcome::vm_error,
                  fmt::format("VM entry failed on vCPU {} (hardware reason {:#x})", ctx.vcpu_id,
                              run.fail_entry.hardware_entry_failure_reason));
    case KVM_EXIT_INTERNAL_ERROR:
      return fail(ctx, Outcome::vm_error,
                  fmt::format("KVM internal error on vCPU {} (suberror {}{})", ctx.vcpu_id,
                              run.internal.suberror,
                              run.internal.suberror == KVM_INTERNAL_ERROR_EMULATION
                                  ? ": instruction emulation failed"
                                  : ""));
    case KVM_EXIT_SYSTEM_EVENT:
      return fail(ctx, Outcome::vm_error,
                  fmt::format("system event {} on vCPU {}", run.system_event.type, ctx.vcpu_id));
    default:
      return fail(ctx, Outcome::vm_error,
                  fmt::format("unhandled {} on vCPU {}", exit_reason_name(run.exit_reason),
                              ctx.vcpu_id));
  }
}

VcpuStep ExitDispatcher::io(ExitContext& ctx) {
  kvm_run& run = ctx.run;
  auto* data = reinterpret_cast<std::uint8_t*>(&run) + run.io.data_offset;
  const bool out = run.io.direction == KVM_EXIT_IO_OUT;
  const std::uint16_t port = run.io.port;

  if (port == abi::HC_PORT && out && run.io.size == 4 && run.io.count == 1) {
    std::uint32_t nr;
    std::memcpy(&nr, data, sizeof nr);
    return hypercalls_.handle(ctx, nr);
  }
  if (port == abi::HC_RAW_PORT) return VcpuStep::resume;  // the bare exit, for bench/
  for (std::uint32_t i = 0; i < run.io.count; ++i, data += run.io.size) {
    if (SerialConsole::handles_port(port)) {
      if (out)
        machine_.console().port_write(ctx.vcpu_id, port, data[0]);
      else
        std::memset(data, machine_.console().port_read(port), run.io.size);
    } else if (!out) {
      std::memset(data, 0xff, run.io.size);  // an absent device floats high, as on a PC
    }
  }
  return VcpuStep::resume;
}

VcpuStep ExitDispatcher::mmio(ExitContext& ctx) {
  auto& m = ctx.run.mmio;
  const std::uint64_t gpa = m.phys_addr;
  if (gpa >= abi::PT_VIEW_BASE && gpa - abi::PT_VIEW_BASE < machine_.memory().ram_size() &&
      m.len >= 1 && m.len <= 8) {
    GuestPhysAddr pa(gpa - abi::PT_VIEW_BASE);
    std::uint64_t value = 0;
    bool ok;
    if (m.is_write) {
      std::memcpy(&value, m.data, m.len);
      ok = mmu_.pt_view_write(ctx, pa, m.len, value);
    } else {
      ok = mmu_.pt_view_read(ctx, pa, m.len, value);
      if (ok) std::memcpy(m.data, &value, m.len);
    }
    if (ok) {
      // After the access: what the guest wrote is visible to whoever runs next.
      machine_.scheduling_point(
          ctx.vcpu_id,
          sched::Point{m.is_write ? sched::PointKind::pte_write : sched::PointKind::pte_read, {}, 0});
      return VcpuStep::resume;
    }
  }
  if (m.is_write && gpa >= abi::READONLY_ALIAS_BASE &&
      gpa - abi::READONLY_ALIAS_BASE < machine_.memory().ram_size() && m.len <= 8) {
    GuestPhysAddr pa(gpa - abi::READONLY_ALIAS_BASE);
    if (mmu_.readonly_alias_write(ctx, pa, std::as_bytes(std::span(m.data, m.len))))
      return VcpuStep::resume;
  }
  return fail(ctx, Outcome::guest_panic,
              fmt::format("vCPU {} {} {} bytes at guest-physical {:#x}, which no memory backs",
                          ctx.vcpu_id, m.is_write ? "wrote" : "read", m.len, m.phys_addr));
}

VcpuStep ExitDispatcher::fail(ExitContext& ctx, Outcome outcome, std::string message) {
  machine_.stop(outcome, std::move(message), capture_vcpu_failure(ctx, machine_.memory()));
  return VcpuStep::stop;
}

}  // namespace shadowtlb::vmm
