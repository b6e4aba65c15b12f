// One translation as the current guest tables give it, in the shape the TLB
// caches (SDM 4.5 walk, 4.6 rights, 4.10.2.2 what may be cached).
//
// Built on the one walker (walker.h); adds what the walker leaves to its
// caller: RAM bounds on the frame, XD without EFER.NXE, and the split of a
// 1 GiB leaf into the 2 MiB piece the shadow tables can hold.
#pragma once

#include <array>
#include <cstdint>

#include "shadow_mmu/shadow_mmu.h"
#include "shadow_mmu/walker.h"
#include "ram_view.h"

namespace shadowtlb::mmu {

struct Translation {
  enum class Status {
    ok,
    not_present,  // some level has P clear: never cached (SDM 4.10.2.2)
    reserved,     // a reserved bit, a table or frame outside RAM
  };
  Status status = Status::not_present;
  WalkResult walk;                 // the raw walk (levels visited, values read)
  GuestVirtAddr va;                // base of the cached piece
  GuestPhysAddr frame;             // base of the piece's frame
  std::uint64_t page_size = 0;     // kPageSize or kHugePageSize
  bool writable = false;
  bool user = false;
  bool executable = false;
  bool leaf_dirty = false;         // D in the leaf entry
  bool global = false;

  [[nodiscard]] bool ok() const { return status == Status::ok; }
  // Whether the combined rights allow the access (SDM 4.6). Guest threads run
  // in ring 0 on user address spaces, so US only matters for a user access;
  // CR0.WP is set, so a supervisor write needs RW.
  [[nodiscard]] bool permits(Access access, bool nx_enabled) const;
  // Addresses of the paging entries this walk read, by level, from walk.level
  // up to 4 (zero below): a store to any of them can change the result.
  [[nodiscard]] std::array<GuestPhysAddr, 5> visited() const;
};

[[nodiscard]] Translation translate(const RamView& ram, GuestPhysAddr root, GuestVirtAddr va,
                                    bool nx_enabled);

// Rights check of a cached entry against an access (same rules as permits()).
[[nodiscard]] bool entry_permits(const TlbEntry& entry, Access access, bool nx_enabled);

// The current tables still give `entry`'s translation: same frame and size,
// and no right the entry grants has been taken away. Added rights and A/D
// changes do not count (SDM 4.10.4.3: they need no invalidation).
[[nodiscard]] bool still_translates(const TlbEntry& entry, const Translation& now);

// The current tables give `entry` exactly as a TLB that is never out of date
// would hold it: same frame and size, the very same rights (an added one
// counts too), same G, A in every entry walked, and D in the leaf if the
// entry is cached dirty. Only A/D *sets* leave this true; a D cleared under a
// clean entry does too (its first write re-walks anyway). Coherent mode drops
// every entry for which it turns false.
[[nodiscard]] bool translates_exactly(const TlbEntry& entry, const Translation& now);

}  // namespace shadowtlb::mmu
