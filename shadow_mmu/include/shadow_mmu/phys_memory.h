// How the shadow MMU sees guest-physical memory: an interface, so every rule is
// unit-testable against a fake memory and the VMM plugs in real guest RAM.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "shadow_mmu/address.h"

namespace shadowtlb {

class PhysMemory {
 public:
  virtual ~PhysMemory() = default;
  // An aligned 8-byte load; nullopt when pa is not backed by guest RAM.
  [[nodiscard]] virtual std::optional<std::uint64_t> read_u64(GuestPhysAddr pa) const = 0;
  // An aligned 8-byte store; false when pa is not backed by guest RAM.
  [[nodiscard]] virtual bool write_u64(GuestPhysAddr pa, std::uint64_t value) = 0;
  // Stores exactly these bytes at [pa, pa + size), any alignment, and touches
  // no other byte: other vCPUs store to RAM natively while the VMM runs, so a
  // read-merge-write of a whole word could undo their stores to its
  // neighbours. False (nothing stored) when the range is not all backed.
  [[nodiscard]] virtual bool write_bytes(GuestPhysAddr pa, std::span<const std::byte> data) = 0;
};

}  // namespace shadowtlb
