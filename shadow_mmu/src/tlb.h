// One vCPU's TLB: cached translations by page, capacity and the choice of a
// victim (SDM 4.10.2). Only a container: the model decides what goes in and
// keeps the real tables and indexes in step.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "cached_entry.h"
#include "shadow_mmu/shadow_mmu.h"

namespace shadowtlb::mmu {

class Tlb {
 public:
  // A page of the TLB: base address and size (4 KiB or 2 MiB).
  struct Key {
    std::uint64_t va = 0;
    std::uint64_t page_size = 0;
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  static Key key_of(const TlbEntry& entry) { return {entry.va.value(), entry.page_size}; }

  // `seed` and `vcpu` together seed this TLB's generator, so random eviction
  // replays for the same --seed and differs between vCPUs.
  Tlb(std::size_t capacity, EvictPolicy policy, std::uint64_t seed, unsigned vcpu);

  // The entry covering va, 4 KiB or 2 MiB. The model never holds both for
  // one address (a 2 MiB fill evicts the 4 KiB entries under it).
  [[nodiscard]] CachedEntry* find(GuestVirtAddr va);
  [[nodiscard]] const CachedEntry* find(GuestVirtAddr va) const;
  [[nodiscard]] CachedEntry* get(Key key);

  // Precondition: no entry with the same key.
  void insert(const CachedEntry& entry);
  std::optional<CachedEntry> remove(Key key);

  // Entries overlapping [start, end), any page size, in address order.
  [[nodiscard]] std::vector<Key> overlapping(std::uint64_t start, std::uint64_t end) const;
  // Every entry without G, in address order (what a CR3 load drops, SDM 4.10.4.1).
  [[nodiscard]] std::vector<Key> non_global() const;

  [[nodiscard]] bool full() const { return capacity_ != 0 && entries_.size() >= capacity_; }
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  // The entry to evict: least recently filled or upgraded (LRU), or one drawn
  // from the seeded generator (random). Precondition: !empty().
  [[nodiscard]] Key victim();

  // In address order (then page size).
  [[nodiscard]] std::vector<const CachedEntry*> in_order() const;

 private:
  std::map<Key, CachedEntry> entries_;
  std::size_t capacity_;
  EvictPolicy policy_;
  std::mt19937_64 random_;
};

}  // namespace shadowtlb::mmu
