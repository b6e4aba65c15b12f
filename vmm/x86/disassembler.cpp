// Capstone handle per call: failures and errors here only ever cost a message.
#include "vmm/x86/disassembler.h"

#include <capstone/capstone.h>
#include <fmt/format.h>

#include <vector>

#include "shadow_mmu/walker.h"

namespace shadowtlb::vmm {

namespace {

constexpr std::size_t kMaxInstructionLength = 15;  // SDM vol. 2, 2.3.11

class CapstoneHandle {
 public:
  CapstoneHandle() { ok_ = cs_open(CS_ARCH_X86, CS_MODE_64, &handle_) == CS_ERR_OK; }
  ~CapstoneHandle() {
    if (ok_) cs_close(&handle_);
  }
  CapstoneHandle(const CapstoneHandle&) = delete;
  CapstoneHandle& operator=(const CapstoneHandle&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] csh get() const { return handle_; }

 private:
  csh handle_ = 0;
  bool ok_ = false;
};

}  // namespace

std::optional<Instruction> disassemble(std::span<const std::uint8_t> code, GuestVirtAddr address) {
  CapstoneHandle cs;
  if (!cs.ok()) return std::nullopt;
  cs_insn* insn = nullptr;
  std::size_t n = cs_disasm(cs.get(), code.data(), std::min(code.size(), kMaxInstructionLength),
                            address.value(), 1, &insn);
  if (n == 0) return std::nullopt;
  Instruction result;
  result.text = insn[0].op_str[0] ? fmt::format("{} {}", insn[0].mnemonic, insn[0].op_str)
                                   : std::string(insn[0].mnemonic);
  result.length = static_cast<std::uint8_t>(insn[0].size);
  for (std::uint16_t i = 0; i < insn[0].size; ++i)
    result.bytes += fmt::format("{}{:02x}", i ? " " : "", insn[0].bytes[i]);
  cs_free(insn, n);
  return result;
}

std::vector<std::uint8_t> fetch_code(const PhysMemory& memory, GuestPhysAddr cr3,
                                     GuestVirtAddr rip) {
  // Byte by byte through the walk: an instruction may straddle two pages.
  std::vector<std::uint8_t> code;
  for (std::size_t i = 0; i < kMaxInstructionLength; ++i) {
    GuestVirtAddr va = rip + i;
    WalkResult w = walk(memory, cr3, va);
    if (!w.ok()) break;
    GuestPhysAddr pa = w.translate(va);
    std::optional<std::uint64_t> word = memory.read_u64(pa.align_down(8));
    if (!word) break;
    code.push_back(static_cast<std::uint8_t>(*word >> (8 * (pa.value() & 7))));
  }
  return code;
}

std::string describe_instruction(const PhysMemory& memory, GuestPhysAddr cr3, GuestVirtAddr rip) {
  std::vector<std::uint8_t> code = fetch_code(memory, cr3, rip);
  if (code.empty()) return fmt::format("<rip {:#x} is not mapped>", rip.value());
  std::optional<Instruction> insn = disassemble(code, rip);
  if (!insn) return fmt::format("<undecodable bytes at {:#x}>", rip.value());
  return fmt::format("{}  ({})", insn->text, insn->bytes);
}

}  // namespace shadowtlb::vmm
