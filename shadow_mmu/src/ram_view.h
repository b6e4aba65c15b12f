// Guest RAM only, as the guest's page tables may name it: a PhysMemory that
// refuses every address outside [0, ram_size), so a hostile paging entry can
// never make the model read or write the VMM's private region.
#pragma once

#include <cstdint>
#include <optional>

#include "shadow_mmu/phys_memory.h"

namespace shadowtlb::mmu {

class RamView final : public PhysMemory {
 public:
  RamView(PhysMemory& memory, std::uint64_t ram_size) : memory_(memory), ram_size_(ram_size) {}

  // [pa, pa + bytes) lies inside RAM; written so that no sum can overflow.
  [[nodiscard]] bool contains(GuestPhysAddr pa, std::uint64_t bytes) const {
    return bytes <= ram_size_ && pa.value() <= ram_size_ - bytes;
  }
  [[nodiscard]] std::uint64_t size() const { return ram_size_; }

  [[nodiscard]] std::optional<std::uint64_t> read_u64(GuestPhysAddr pa) const override {
    if (!contains(pa, 8) || !pa.is_aligned(8)) return std::nullopt;
    return memory_.read_u64(pa);
  }
  [[nodiscard]] bool write_u64(GuestPhysAddr pa, std::uint64_t value) override {
    if (!contains(pa, 8) || !pa.is_aligned(8)) return false;
    return memory_.write_u64(pa, value);
  }
  [[nodiscard]] bool write_bytes(GuestPhysAddr pa, std::span<const std::byte> data) override {
    if (!contains(pa, data.size())) return false;
    return memory_.write_bytes(pa, data);
  }

 private:
  PhysMemory& memory_;
  std::uint64_t ram_size_;
};

}  // namespace shadowtlb::mmu
