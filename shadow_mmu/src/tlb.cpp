// One vCPU's TLB: lookup by page, range queries for invlpg, eviction choice.
#include "tlb.h"

#include <iterator>
#include <stdexcept>
#include <utility>

namespace shadowtlb::mmu {

namespace {

// Seeds from (seed, vcpu) through seed_seq, whose algorithm the standard fixes,
// as it does mt19937_64: the same seed gives the same victims on any host.
std::mt19937_64 make_generator(std::uint64_t seed, unsigned vcpu) {
  std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                         static_cast<std::uint32_t>(vcpu)};
  return std::mt19937_64(sequence);
}

}  // namespace

Tlb::Tlb(std::size_t capacity, EvictPolicy policy, std::uint64_t seed, unsigned vcpu)
    : capacity_(capacity), policy_(policy), random_(make_generator(seed, vcpu)) {}

CachedEntry* Tlb::find(GuestVirtAddr va) {
  return const_cast<CachedEntry*>(std::as_const(*this).find(va));
}

const CachedEntry* Tlb::find(GuestVirtAddr va) const {
  for (std::uint64_t size : {kPageSize, kHugePageSize}) {
    auto it = entries_.find(Key{va.align_down(size).value(), size});
    if (it != entries_.end()) return &it->second;
  }
  return nullptr;
}

CachedEntry* Tlb::get(Key key) {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

void Tlb::insert(const CachedEntry& entry) {
  auto [it, inserted] = entries_.emplace(key_of(entry.entry), entry);
  if (!inserted) throw std::logic_error("shadow MMU: TLB already holds an entry for this page");
}

std::optional<CachedEntry> Tlb::remove(Key key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  CachedEntry out = it->second;
  entries_.erase(it);
  return out;
}

std::vector<Tlb::Key> Tlb::overlapping(std::uint64_t start, std::uint64_t end) const {
  std::vector<Key> out;
  if (start >= end) return out;
  // The largest page is 2 MiB, so nothing based below start - 2 MiB can reach start.
  std::uint64_t from = start >= kHugePageSize ? start - kHugePageSize + 1 : 0;
  for (auto it = entries_.lower_bound(Key{from, 0}); it != entries_.end() && it->first.va < end;
       ++it) {
    if (it->first.va + it->first.page_size > start) out.push_back(it->first);
  }
  return out;
}

std::vector<Tlb::Key> Tlb::non_global() const {
  std::vector<Key> out;
  for (const auto& [key, cached] : entries_)
    if (!cached.entry.global) out.push_back(key);
  return out;
}

Tlb::Key Tlb::victim() {
  if (entries_.empty()) throw std::logic_error("shadow MMU: no TLB entry to evict");
  if (policy_ == EvictPolicy::random) {
    // Modulo rather than a distribution: distributions are not specified
    // exactly by the standard, and runs must replay everywhere.
    auto index = static_cast<std::ptrdiff_t>(random_() % entries_.size());
    return std::next(entries_.begin(), index)->first;
  }
  auto best = entries_.begin();
  for (auto it = std::next(best); it != entries_.end(); ++it)
    if (it->second.entry.last_used < best->second.entry.last_used) best = it;
  return best->first;
}

std::vector<const CachedEntry*> Tlb::in_order() const {
  std::vector<const CachedEntry*> out;
  out.reserve(entries_.size());
  for (const auto& [key, cached] : entries_) out.push_back(&cached);
  return out;
}

}  // namespace shadowtlb::mmu
