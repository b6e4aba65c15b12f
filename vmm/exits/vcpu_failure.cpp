// Failure snapshots: registers from kvm_run, the instruction via the one walker.
#include "vmm/exits/vcpu_failure.h"

#include <fmt/format.h>

#include "vmm/x86/disassembler.h"

namespace shadowtlb::vmm {

VcpuFailure capture_vcpu_failure(ExitContext& ctx, const GuestMemory& memory) {
  return capture_vcpu_failure_at(ctx, memory, ctx.regs().rip);
}

VcpuFailure capture_vcpu_failure_at(ExitContext& ctx, const GuestMemory& memory,
                                    std::uint64_t rip) {
  const kvm_regs& r = ctx.regs();
  const kvm_sregs& s = ctx.sregs();
  VcpuFailure f;
  f.vcpu = ctx.vcpu_id;
  f.rip = rip;
  f.rsp = r.rsp;
  f.rflags = r.rflags;
  f.cr0 = s.cr0;
  f.cr2 = s.cr2;
  f.cr3 = s.cr3;
  f.cr4 = s.cr4;
  const std::uint64_t gpr[16] = {r.rax, r.rcx, r.rdx, r.rbx, r.rsp, r.rbp, r.rsi, r.rdi,
                                 r.r8,  r.r9,  r.r10, r.r11, r.r12, r.r13, r.r14, r.r15};
  std::copy(std::begin(gpr), std::end(gpr), f.gpr);
  f.instruction = describe_instruction(memory, GuestPhysAddr(s.cr3 & ~0xfffull), GuestVirtAddr(rip));
  return f;
}

std::string format_vcpu_failure(const VcpuFailure& f) {
  static constexpr const char* kNames[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp",
                                             "rsi", "rdi", "r8",  "r9",  "r10", "r11",
                                             "r12", "r13", "r14", "r15"};
  std::string out = fmt::format("  vCPU {} rip {:#018x}: {}\n", f.vcpu, f.rip, f.instruction);
  for (unsigned i = 0; i < 16; ++i)
    out += fmt::format("{}{:>3} {:#018x}{}", i % 4 == 0 ? "  " : "  ", kNames[i], f.gpr[i],
                       i % 4 == 3 ? "\n" : "");
  out += fmt::format("  rflags {:#x} cr0 {:#x} cr2 {:#x} cr3 {:#x} cr4 {:#x}\n", f.rflags, f.cr0,
                     f.cr2, f.cr3, f.cr4);
  return out;
}

}  // namespace shadowtlb::vmm
