// The model's two reverse indexes, kept in ordered containers for determinism.
#include "entry_index.h"

#include <limits>

namespace shadowtlb::mmu {

void EntryIndex::add(const EntryKey& key, const CachedEntry& cached) {
  for (unsigned slot = static_cast<unsigned>(cached.watch_level); slot <= 4; ++slot)
    by_paging_entry_[cached.watch[slot]].insert(key);
  by_frame_[cached.entry.frame.value()].insert(key);
}

void EntryIndex::remove(const EntryKey& key, const CachedEntry& cached) {
  for (unsigned slot = static_cast<unsigned>(cached.watch_level); slot <= 4; ++slot) {
    auto it = by_paging_entry_.find(cached.watch[slot]);
    if (it == by_paging_entry_.end()) continue;
    it->second.erase(key);
    if (it->second.empty()) by_paging_entry_.erase(it);
  }
  auto it = by_frame_.find(cached.entry.frame.value());
  if (it != by_frame_.end()) {
    it->second.erase(key);
    if (it->second.empty()) by_frame_.erase(it);
  }
}

std::vector<EntryKey> EntryIndex::watching(GuestPhysAddr pa) const {
  auto it = by_paging_entry_.find(pa);
  if (it == by_paging_entry_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<EntryKey> EntryIndex::reaching(GuestPhysAddr first, std::uint64_t bytes) const {
  std::set<EntryKey> found;
  const std::uint64_t start = first.value();
  const std::uint64_t end = bytes > std::numeric_limits<std::uint64_t>::max() - start
                                ? std::numeric_limits<std::uint64_t>::max()
                                : start + bytes;
  // Pages are at most 2 MiB: none based below start - 2 MiB reaches start.
  const std::uint64_t from = start >= kHugePageSize ? start - kHugePageSize + 1 : 0;
  for (auto it = by_frame_.lower_bound(from); it != by_frame_.end() && it->first < end; ++it) {
    for (const EntryKey& key : it->second)
      if (it->first + key.page_size > start) found.insert(key);
  }
  return {found.begin(), found.end()};
}

}  // namespace shadowtlb::mmu
