// RMW decoding: Capstone detail mode for operands, kvm_regs for their values.
#include "vmm/mmu/rmw_instruction.h"

#include <capstone/capstone.h>
#include <fmt/format.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "vmm/x86/disassembler.h"

namespace shadowtlb::vmm {

namespace {

std::uint64_t mask_of(unsigned size) {
  return size >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * size)) - 1;
}

// Value of a general-purpose register (any width) from the sync-regs block.
std::optional<std::uint64_t> register_value(x86_reg reg, const kvm_regs& r) {
  struct Gpr {
    x86_reg r64, r32, r16, r8;
    std::uint64_t value;
  };
  const std::array<Gpr, 16> gprs = {{
      {X86_REG_RAX, X86_REG_EAX, X86_REG_AX, X86_REG_AL, r.rax},
      {X86_REG_RCX, X86_REG_ECX, X86_REG_CX, X86_REG_CL, r.rcx},
      {X86_REG_RDX, X86_REG_EDX, X86_REG_DX, X86_REG_DL, r.rdx},
      {X86_REG_RBX, X86_REG_EBX, X86_REG_BX, X86_REG_BL, r.rbx},
      {X86_REG_RSP, X86_REG_ESP, X86_REG_SP, X86_REG_SPL, r.rsp},
      {X86_REG_RBP, X86_REG_EBP, X86_REG_BP, X86_REG_BPL, r.rbp},
      {X86_REG_RSI, X86_REG_ESI, X86_REG_SI, X86_REG_SIL, r.rsi},
      {X86_REG_RDI, X86_REG_EDI, X86_REG_DI, X86_REG_DIL, r.rdi},
      {X86_REG_R8, X86_REG_R8D, X86_REG_R8W, X86_REG_R8B, r.r8},
      {X86_REG_R9, X86_REG_R9D, X86_REG_R9W, X86_REG_R9B, r.r9},
      {X86_REG_R10, X86_REG_R10D, X86_REG_R10W, X86_REG_R10B, r.r10},
      {X86_REG_R11, X86_REG_R11D, X86_REG_R11W, X86_REG_R11B, r.r11},
      {X86_REG_R12, X86_REG_R12D, X86_REG_R12W, X86_REG_R12B, r.r12},
      {X86_REG_R13, X86_REG_R13D, X86_REG_R13W, X86_REG_R13B, r.r13},
      {X86_REG_R14, X86_REG_R14D, X86_REG_R14W, X86_REG_R14B, r.r14},
      {X86_REG_R15, X86_REG_R15D, X86_REG_R15W, X86_REG_R15B, r.r15},
  }};
  for (const Gpr& g : gprs) {
    if (reg == g.r64) return g.value;
    if (reg == g.r32) return g.value & 0xffffffffu;
    if (reg == g.r16) return g.value & 0xffffu;
    if (reg == g.r8) return g.value & 0xffu;
  }
  return std::nullopt;  // ah/bh/ch/dh and non-GPRs: never used on paging entries
}

struct CapstoneDetail {
  csh handle = 0;
  cs_insn* insn = nullptr;
  std::size_t count = 0;
  ~CapstoneDetail() {
    if (insn != nullptr) cs_free(insn, count);
    if (handle != 0) cs_close(&handle);
  }
};

std::optional<RmwInstruction::Op> rmw_op(unsigned id, bool locked) {
  using Op = RmwInstruction::Op;
  switch (id) {
    case X86_INS_XCHG: return Op::xchg;  // implicitly locked with a memory operand
    case X86_INS_CMPXCHG: return Op::cmpxchg;
    case X86_INS_XADD: return Op::xadd;
    default: break;
  }
  if (!locked) return std::nullopt;  // an unlocked `or [pte], x` is a load then a store: two steps
  switch (id) {
    case X86_INS_BTS: return Op::bts;
    case X86_INS_BTR: return Op::btr;
    case X86_INS_BTC: return Op::btc;
    case X86_INS_OR: return Op::or_;
    case X86_INS_AND: return Op::and_;
    case X86_INS_XOR: return Op::xor_;
    case X86_INS_ADD: return Op::add;
    case X86_INS_SUB: return Op::sub;
    case X86_INS_INC: return Op::inc;
    case X86_INS_DEC: return Op::dec;
    default: return std::nullopt;
  }
}

}  // namespace

std::uint64_t RmwInstruction::apply(std::uint64_t old) const {
  const std::uint64_t m = mask_of(size);
  const std::uint64_t bit = std::uint64_t{1} << (source % (8 * size));
  old &= m;
  switch (op) {
    case Op::xchg: return source & m;
    case Op::cmpxchg: return old == (expected & m) ? source & m : old;
    case Op::bts: return old | bit;
    case Op::btr: return old & ~bit;
    case Op::btc: return old ^ bit;
    case Op::or_: return (old | source) & m;
    case Op::and_: return old & source & m;
    case Op::xor_: return (old ^ source) & m;
    case Op::add:
    case Op::xadd: return (old + source) & m;
    case Op::sub: return (old - source) & m;
    case Op::inc: return (old + 1) & m;
    case Op::dec: return (old - 1) & m;
  }
  return old;
}

std::optional<RmwInstruction> decode_rmw(std::span<const std::uint8_t> code, const kvm_regs& regs) {
  CapstoneDetail cs;
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs.handle) != CS_ERR_OK) return std::nullopt;
  cs_option(cs.handle, CS_OPT_DETAIL, CS_OPT_ON);
  cs.count = cs_disasm(cs.handle, code.data(), code.size(), 0, 1, &cs.insn);
  if (cs.count == 0) return std::nullopt;
  const cs_insn& insn = cs.insn[0];
  const cs_x86& x86 = insn.detail->x86;
  std::optional<RmwInstruction::Op> op = rmw_op(insn.id, x86.prefix[0] == X86_PREFIX_LOCK);
  if (!op) return std::nullopt;

  RmwInstruction rmw;
  rmw.op = *op;
  rmw.text = fmt::format("{} {}", insn.mnemonic, insn.op_str);
  bool has_memory = false;
  for (std::uint8_t i = 0; i < x86.op_count; ++i) {
    const cs_x86_op& operand = x86.operands[i];
    if (operand.type == X86_OP_MEM) {
      has_memory = true;
      rmw.size = operand.size;
    } else if (operand.type == X86_OP_REG) {
      std::optional<std::uint64_t> value = register_value(operand.reg, regs);
      if (!value) return std::nullopt;
      rmw.source = *value;
    } else if (operand.type == X86_OP_IMM) {
      rmw.source = static_cast<std::uint64_t>(operand.imm);
    }
  }
  if (!has_memory || rmw.size == 0 || rmw.size > 8) return std::nullopt;
  rmw.expected = regs.rax;
  return rmw;
}

std::optional<RmwInstruction> decode_rmw_at(ExitContext& ctx, const PhysMemory& memory) {
  constexpr std::uint64_t kCr3AddressMask = 0x000f'ffff'ffff'f000ull;
  std::vector<std::uint8_t> code = fetch_code(memory, GuestPhysAddr(ctx.sregs().cr3 & kCr3AddressMask),
                                              GuestVirtAddr(ctx.regs().rip));
  return decode_rmw(code, ctx.regs());
}

std::uint64_t entry_bytes(std::uint64_t entry, unsigned offset, unsigned len) {
  std::uint64_t out = 0;
  std::memcpy(&out, reinterpret_cast<const std::byte*>(&entry) + offset, len);
  return out;
}

std::uint64_t with_entry_bytes(std::uint64_t entry, unsigned offset, unsigned len,
                               std::uint64_t part) {
  std::memcpy(reinterpret_cast<std::byte*>(&entry) + offset, &part, len);
  return entry;
}

}  // namespace shadowtlb::vmm
