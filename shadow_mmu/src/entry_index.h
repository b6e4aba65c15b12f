// Reverse indexes over every vCPU's TLB entries: which entries a store to a
// paging entry may affect, and which entries reach a guest frame.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "cached_entry.h"
#include "shadow_mmu/address.h"

namespace shadowtlb::mmu {

class EntryIndex {
 public:
  // Call add when an entry goes in or its watch list or frame changes (after
  // remove with the old contents).
  void add(const EntryKey& key, const CachedEntry& cached);
  void remove(const EntryKey& key, const CachedEntry& cached);

  // Entries whose last walk read the paging entry at `pa`, in key order.
  [[nodiscard]] std::vector<EntryKey> watching(GuestPhysAddr pa) const;
  // Entries whose page overlaps [first, first + bytes), in key order.
  [[nodiscard]] std::vector<EntryKey> reaching(GuestPhysAddr first, std::uint64_t bytes) const;

 private:
  std::map<GuestPhysAddr, std::set<EntryKey>> by_paging_entry_;
  std::map<std::uint64_t, std::set<EntryKey>> by_frame_;  // page base → entries (any size)
};

}  // namespace shadowtlb::mmu
