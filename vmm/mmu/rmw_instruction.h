// Locked read-modify-write instructions on a paging entry, decoded with Capstone.
//
// KVM emulates `xchg` / `lock cmpxchg` / `lock bts` ... on an address with no
// memslot as a read exit followed, on the next KVM_RUN, by a write exit
// (DESIGN.md §6). To keep the RMW atomic against the VMM's own A/D updates,
// the VMM decodes the instruction on the read exit (the registers are still
// those before it) and performs the whole operation at once.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "shadow_mmu/phys_memory.h"
#include "vmm/exits/exit_context.h"

namespace shadowtlb::vmm {

struct RmwInstruction {
  enum class Op { xchg, cmpxchg, bts, btr, btc, or_, and_, xor_, add, sub, xadd, inc, dec };
  Op op = Op::xchg;
  unsigned size = 8;           // bytes of the memory operand
  std::uint64_t source = 0;    // the register or immediate operand
  std::uint64_t expected = 0;  // cmpxchg: the accumulator (rax/eax/ax/al)
  std::string text;            // the disassembly, for events and errors

  // The value the instruction stores for a memory operand holding `old`
  // (both `size` bytes wide). A failed cmpxchg stores `old` back, as the
  // processor does (SDM vol. 2, CMPXCHG).
  [[nodiscard]] std::uint64_t apply(std::uint64_t old) const;
};

// Decodes the instruction starting at `code` with the registers as they were
// before it. nullopt: not a read-modify-write of its memory operand (a plain
// load such as mov or cmp).
[[nodiscard]] std::optional<RmwInstruction> decode_rmw(std::span<const std::uint8_t> code,
                                                       const kvm_regs& regs);

// The same for the instruction at the exiting vCPU's RIP, read through its CR3.
[[nodiscard]] std::optional<RmwInstruction> decode_rmw_at(ExitContext& ctx,
                                                          const PhysMemory& memory);

// `len` bytes at byte `offset` of an 8-byte paging entry, and the entry with them replaced.
[[nodiscard]] std::uint64_t entry_bytes(std::uint64_t entry, unsigned offset, unsigned len);
[[nodiscard]] std::uint64_t with_entry_bytes(std::uint64_t entry, unsigned offset, unsigned len,
                                             std::uint64_t part);

}  // namespace shadowtlb::vmm
