// Guest-physical memory for unit tests: a sparse map of 8-byte words, no KVM.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "shadow_mmu/paging.h"
#include "shadow_mmu/phys_memory.h"

namespace shadowtlb::test {

class FakePhysMemory final : public PhysMemory {
 public:
  // One write_bytes call, as the model issued it.
  struct ByteStore {
    GuestPhysAddr pa;
    std::size_t size = 0;
  };

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
  // Byte by byte into the words that hold them; single-threaded, so the
  // merge here cannot lose anyone's store (the log says what was asked).
  bool write_bytes(GuestPhysAddr pa, std::span<const std::byte> data) override {
    if (data.size() > size_ || pa.value() > size_ - data.size()) return false;
    for (std::size_t i = 0; i < data.size(); ++i) {
      const std::uint64_t at = pa.value() + i, word = at & ~7ull, shift = 8 * (at & 7);
      std::uint64_t& value = words_[word];
      value = (value & ~(0xffull << shift)) | (std::uint64_t{static_cast<std::uint8_t>(data[i])} << shift);
    }
    byte_stores_.push_back({pa, data.size()});
    return true;
  }

  // Sets entry `index` of the table at `table` (test setup; not counted as a write).
  void set_entry(GuestPhysAddr table, unsigned index, x86::PageEntry entry) {
    words_[table.value() + 8ull * index] = entry.raw();
  }
  [[nodiscard]] x86::PageEntry entry(GuestPhysAddr table, unsigned index) const {
    return x86::PageEntry(read_u64(table + 8ull * index).value_or(0));
  }
  // write_u64 calls so far.
  [[nodiscard]] unsigned writes() const { return writes_; }
  [[nodiscard]] const std::vector<ByteStore>& byte_stores() const { return byte_stores_; }

 private:
  std::uint64_t size_;
  std::map<std::uint64_t, std::uint64_t> words_;
  unsigned writes_ = 0;
  std::vector<ByteStore> byte_stores_;
};

}  // namespace shadowtlb::test
