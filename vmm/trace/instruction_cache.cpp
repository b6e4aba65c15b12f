// Fetching and decoding guest instructions once per RIP.
#include "vmm/trace/instruction_cache.h"

#include <vector>

#include "vmm/x86/disassembler.h"

namespace shadowtlb::trace {
namespace {

CachedInstruction decode(const PhysMemory& memory, GuestPhysAddr root, GuestVirtAddr rip) {
  std::vector<std::uint8_t> code = vmm::fetch_code(memory, root, rip);
  CachedInstruction out;
  if (code.empty()) {
    out.text = "(no code mapped at this address)";
    return out;
  }
  std::optional<vmm::Instruction> insn = vmm::disassemble(code, rip);
  if (!insn) {
    out.bytes.assign(code.begin(), code.end());
    out.text = "(does not decode)";
    return out;
  }
  out.bytes.assign(code.begin(), code.begin() + insn->length);
  out.text = insn->text;
  return out;
}

}  // namespace

CachedInstruction InstructionCache::at(GuestVirtAddr rip) {
  std::lock_guard lock(mutex_);
  if (auto it = cache_.find(rip.value()); it != cache_.end()) return it->second;
  CachedInstruction insn = decode(memory_, code_root_, rip);
  if (cache_.size() < kMaxEntries) cache_.emplace(rip.value(), insn);
  return insn;
}

}  // namespace shadowtlb::trace
