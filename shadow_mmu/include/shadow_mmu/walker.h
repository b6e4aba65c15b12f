// The one 4-level page walker (Intel SDM vol. 3, 4.5), shared by the TLB model
// and every reader of guest tables (disassembly at RIP, inspection).
//
//   CR3 ──► PML4[47:39] ──► PDPT[38:30] ──► PD[29:21] ──► PT[20:12] ──► frame
//                              │ PS: 1 GiB      │ PS: 2 MiB
//
// The walk only reads; setting A/D bits is the caller's decision (the TLB model
// does it as the processor would, a debugger must not).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "shadow_mmu/address.h"
#include "shadow_mmu/paging.h"
#include "shadow_mmu/phys_memory.h"

namespace shadowtlb {

struct WalkResult {
  enum class Status {
    ok,               // a present leaf maps va
    not_present,      // some level's entry has P clear (the level is in `level`)
    reserved,         // PS set where the format has none, or a table outside RAM
  };
  Status status = Status::not_present;
  x86::Level level = x86::Level::pml4;  // level of the leaf, or where the walk stopped
  // Entry address and value at each level visited, indexed by Level value (1..4).
  std::array<GuestPhysAddr, 5> entry_address{};
  std::array<x86::PageEntry, 5> entry{};
  GuestPhysAddr frame;                  // base of the page (valid when ok)
  std::uint64_t page_size = 0;          // 4 KiB, 2 MiB or 1 GiB (valid when ok)
  // Rights combined over all levels (SDM 4.6): writable/user only if every level allows.
  bool writable = false;
  bool user = false;
  bool executable = false;

  [[nodiscard]] bool ok() const { return status == Status::ok; }
  [[nodiscard]] GuestPhysAddr translate(GuestVirtAddr va) const {
    return frame + (va.value() & (page_size - 1));
  }
  [[nodiscard]] x86::PageEntry leaf() const { return entry[static_cast<unsigned>(level)]; }
  [[nodiscard]] GuestPhysAddr leaf_address() const {
    return entry_address[static_cast<unsigned>(level)];
  }
};

// Walks the tables rooted at `root` (CR3's address bits) for `va`.
[[nodiscard]] WalkResult walk(const PhysMemory& memory, GuestPhysAddr root, GuestVirtAddr va);

}  // namespace shadowtlb
