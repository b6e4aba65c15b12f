// Finds the store instruction that ended just before a RIP.
//
// A write exit reaches the VMM with RIP already past the instruction that
// wrote (DESIGN.md §6: KVM has finished it). To name that instruction, decode
// backwards: among the instructions that would end exactly at RIP, keep the
// ones that write a memory operand whose address, computed from the current
// registers, has the written address's page offset and the written width.
#pragma once

#include <linux/kvm.h>

#include <optional>

#include "shadow_mmu/address.h"
#include "shadow_mmu/phys_memory.h"

namespace shadowtlb::vmm {

// The start of that instruction, or nullopt when no candidate (or two
// different ones) fits: the caller then reports RIP as "after the write".
// Candidates that decode to the same instruction (a preceding byte read as a
// redundant prefix) count as one, at the shortest length.
[[nodiscard]] std::optional<GuestVirtAddr> find_store_before(const PhysMemory& memory,
                                                             GuestPhysAddr cr3,
                                                             GuestVirtAddr rip_after,
                                                             const kvm_regs& regs,
                                                             std::uint64_t written_page_offset,
                                                             unsigned written_bytes);

}  // namespace shadowtlb::vmm
