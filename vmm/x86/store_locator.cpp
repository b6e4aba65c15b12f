// Backward decoding with Capstone: try every length 1..15 ending at RIP.
#include "vmm/x86/store_locator.h"

#include <capstone/capstone.h>

#include <string>
#include <vector>

#include "vmm/x86/disassembler.h"

namespace shadowtlb::vmm {
namespace {

constexpr unsigned kMaxLength = 15;

std::uint64_t gpr(x86_reg reg, const kvm_regs& r) {
  switch (reg) {
    case X86_REG_RAX: return r.rax;
    case X86_REG_RBX: return r.rbx;
    case X86_REG_RCX: return r.rcx;
    case X86_REG_RDX: return r.rdx;
    case X86_REG_RSI: return r.rsi;
    case X86_REG_RDI: return r.rdi;
    case X86_REG_RBP: return r.rbp;
    case X86_REG_RSP: return r.rsp;
    case X86_REG_R8: return r.r8;
    case X86_REG_R9: return r.r9;
    case X86_REG_R10: return r.r10;
    case X86_REG_R11: return r.r11;
    case X86_REG_R12: return r.r12;
    case X86_REG_R13: return r.r13;
    case X86_REG_R14: return r.r14;
    case X86_REG_R15: return r.r15;
    default: return 0;
  }
}

// If the single instruction in `code` writes memory at an address with this
// page offset, its text ("mov qword ptr [rax], rbx"); otherwise nothing.
std::optional<std::string> store_at_offset(csh cs, const std::vector<std::uint8_t>& code,
                                           GuestVirtAddr at, const kvm_regs& regs,
                                           std::uint64_t page_offset, unsigned width) {
  cs_insn* insn = nullptr;
  std::size_t n = cs_disasm(cs, code.data(), code.size(), at.value(), 1, &insn);
  std::optional<std::string> match;
  if (n == 1 && insn[0].size == code.size()) {
    const cs_x86& x86 = insn[0].detail->x86;
    for (std::uint8_t i = 0; i < x86.op_count; ++i) {
      const cs_x86_op& op = x86.operands[i];
      if (op.type != X86_OP_MEM || (op.access & CS_AC_WRITE) == 0 || op.size != width) continue;
      std::uint64_t ea = static_cast<std::uint64_t>(op.mem.disp);
      if (op.mem.base == X86_REG_RIP) ea += at.value() + code.size();
      else ea += gpr(op.mem.base, regs);
      ea += gpr(op.mem.index, regs) * static_cast<std::uint64_t>(op.mem.scale);
      if ((ea & (kPageSize - 1)) <= page_offset &&
          page_offset - (ea & (kPageSize - 1)) < static_cast<std::uint64_t>(op.size))
        match = std::string(insn[0].mnemonic) + " " + insn[0].op_str;
    }
  }
  if (n > 0) cs_free(insn, n);
  return match;
}

}  // namespace

std::optional<GuestVirtAddr> find_store_before(const PhysMemory& memory, GuestPhysAddr cr3,
                                               GuestVirtAddr rip_after, const kvm_regs& regs,
                                               std::uint64_t written_page_offset,
                                               unsigned written_bytes) {
  std::vector<std::uint8_t> before = fetch_code(memory, cr3, rip_after - kMaxLength);
  if (before.size() != kMaxLength) return std::nullopt;  // straddles unmapped code: give up
  csh cs = 0;
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) return std::nullopt;
  cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
  // Shortest first. A longer candidate that reads as the same instruction is
  // the shorter one behind a byte of the previous instruction taken for a
  // redundant prefix (42 48 89 18 decodes like 48 89 18): not a rival.
  std::optional<GuestVirtAddr> found;
  std::optional<std::string> found_text;
  for (unsigned length = 1; length <= kMaxLength; ++length) {
    std::vector<std::uint8_t> code(before.end() - length, before.end());
    GuestVirtAddr at = rip_after - length;
    std::optional<std::string> text = store_at_offset(cs, code, at, regs, written_page_offset, written_bytes);
    if (!text || text == found_text) continue;
    if (found) {  // two different stores fit: do not guess
      found.reset();
      break;
    }
    found = at;
    found_text = std::move(text);
  }
  cs_close(&cs);
  return found;
}

}  // namespace shadowtlb::vmm
