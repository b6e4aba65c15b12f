// A TLB entry as the model keeps it: the public TlbEntry plus the bookkeeping
// that decides when it goes stale and who made it so.
#pragma once

#include <array>
#include <compare>
#include <cstdint>

#include "shadow_mmu/paging.h"
#include "shadow_mmu/tlb_entry.h"

namespace shadowtlb::mmu {

// Names one entry of one vCPU's TLB; ordered, so every walk over a set of
// them is deterministic.
struct EntryKey {
  unsigned vcpu = 0;
  std::uint64_t va = 0;
  std::uint64_t page_size = 0;
  friend auto operator<=>(const EntryKey&, const EntryKey&) = default;
};

struct CachedEntry {
  TlbEntry entry;
  // The tables it was filled from. Non-global entries die at the next CR3
  // load, so this is the vCPU's current root for all of them.
  GuestPhysAddr root;
  // Paging entries the last walk for entry.va read (root first, zero where
  // unused). A store to one of them may change whether the entry is stale,
  // so the model re-walks on exactly those stores. Unlike entry.path this
  // follows the tables as they change.
  // Valid from watch_level up to 4 (an address may legitimately be 0).
  std::array<GuestPhysAddr, 5> watch{};
  x86::Level watch_level = x86::Level::pml4;
  // The vCPU and instruction of the page-table write that made it stale.
  unsigned stale_by_vcpu = 0;
  GuestVirtAddr stale_by_rip;

  [[nodiscard]] EntryKey key(unsigned vcpu) const {
    return {vcpu, entry.va.value(), entry.page_size};
  }
};

}  // namespace shadowtlb::mmu
