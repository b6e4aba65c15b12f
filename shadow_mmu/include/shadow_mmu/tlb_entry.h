// One cached translation of a vCPU's TLB (Intel SDM vol. 3, 4.10.2).
#pragma once

#include <array>
#include <cstdint>

#include "shadow_mmu/address.h"
#include "shadow_mmu/paging.h"

namespace shadowtlb::mmu {

// Event sequence number: every model event gets the next one (events.h).
using EventSeq = std::uint64_t;

struct TlbEntry {
  GuestVirtAddr va;              // base of the page (aligned to page_size)
  std::uint64_t page_size = 0;   // kPageSize or kHugePageSize (1 GiB pages are split)
  GuestPhysAddr frame;           // base of the page frame

  // Rights combined over every level at fill time (SDM 4.6).
  bool writable = false;
  bool user = false;
  bool executable = false;
  // Cached with D set: writes go straight to the frame with no re-walk (SDM
  // 4.8). Entries filled by a read, or through a clean PTE, are not dirty:
  // their first write re-walks the *current* tables.
  bool dirty = false;
  bool global = false;

  // Address of the paging entry used at each level, indexed by Level value
  // (1 = PTE .. 4 = PML4E); unused slots (below a large leaf) are zero.
  std::array<GuestPhysAddr, 5> path{};
  x86::Level leaf_level = x86::Level::pt;
  std::uint64_t leaf_value = 0;  // the leaf entry as it was at fill (or D upgrade)

  EventSeq filled_at = 0;        // the fill (or last upgrade) event
  EventSeq last_used = 0;        // for LRU eviction
  // The current tables no longer give this translation; `stale_since` is the
  // page-table write that made it so.
  bool stale = false;
  EventSeq stale_since = 0;

  [[nodiscard]] bool covers(GuestVirtAddr a) const {
    return a >= va && a - va < page_size;
  }
  [[nodiscard]] GuestPhysAddr leaf_address() const {
    return path[static_cast<unsigned>(leaf_level)];
  }
};

}  // namespace shadowtlb::mmu
