// Capstone, wrapped: one x86-64 instruction at a guest address, as text.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "shadow_mmu/address.h"
#include "shadow_mmu/phys_memory.h"

namespace shadowtlb::vmm {

struct Instruction {
  std::string text;    // "mov qword ptr [rax], rbx"
  std::uint8_t length = 0;
  std::string bytes;   // "48 89 18"
};

// Decodes the first instruction in `code` (at most 15 bytes are looked at).
[[nodiscard]] std::optional<Instruction> disassemble(std::span<const std::uint8_t> code,
                                                     GuestVirtAddr address);

// Up to 15 bytes of guest code at `rip`, read through the tables at `cr3`
// (fewer where the code runs into an unmapped page; none if rip is unmapped).
[[nodiscard]] std::vector<std::uint8_t> fetch_code(const PhysMemory& memory, GuestPhysAddr cr3,
                                                   GuestVirtAddr rip);

// Reads the instruction at `rip` through the tables at `cr3` and decodes it.
// Returns a readable reason instead when the bytes cannot be reached.
[[nodiscard]] std::string describe_instruction(const PhysMemory& memory, GuestPhysAddr cr3,
                                               GuestVirtAddr rip);

}  // namespace shadowtlb::vmm
