// Guest-physical memory for unit tests: a sparse map of 8-byte words, no KVM.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "shadow_mmu/paging.h"
#include "shadow_mmu/phys_memory.h"

namespace shadowtlb::testing {

class FakePhysMemory final : public PhysMemory {
 public:
  explicit FakePhysMemory(std::uint64_t size) : size_(size) {}

  std::optional<std::uint64_t> read_u64(GuestPhysAddr pa) const override {
    if (pa.value() + 8 > size_) return std::nullopt;
    auto it = words_.find(pa.value());
    return it == words_.end() ? 0 : it->second;
  }
  bool write_u64(GuestPhysAddr pa, std::uint64_t value) override {
    if (pa.value() + 8 > size_) return false;
    words_[pa.value()] = value;
    ++writes_;
    return true;
  }

  // Sets entry `index` of the table at `table` (test setup; not counted as a write).
  void set_entry(GuestPhysAddr table, unsigned index, x86::PageEntry entry) {
    words_[table.value() + 8ull * index] = entry.raw();
  }
  [[nodiscard]] x86::PageEntry entry(GuestPhysAddr table, unsigned index) const {
    return x86::PageEntry(read_u64(table + 8ull * index).value_or(0));
  }
  [[nodiscard]] unsigned writes() const { return writes_; }

 private:
  std::uint64_t size_;
  std::map<std::uint64_t, std::uint64_t> words_;
  unsigned writes_ = 0;
};

}  // namespace shadowtlb::testing
