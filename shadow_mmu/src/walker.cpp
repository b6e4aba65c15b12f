// The 4-level walk: one loop over the levels, leaves at PDPT/PD with PS or at PT.
#include "shadow_mmu/walker.h"

namespace shadowtlb {

using x86::Level;
using x86::PageEntry;

namespace {

Level next_lower(Level level) { return static_cast<Level>(static_cast<unsigned>(level) - 1); }

}  // namespace

WalkResult walk(const PhysMemory& memory, GuestPhysAddr root, GuestVirtAddr va) {
  WalkResult result;
  result.writable = result.user = result.executable = true;
  GuestPhysAddr table = root.align_down(kPageSize);

  for (Level level = Level::pml4;; level = next_lower(level)) {
    auto slot = static_cast<unsigned>(level);
    GuestPhysAddr entry_pa = table + x86::table_index(va, level) * sizeof(PageEntry);
    std::optional<std::uint64_t> raw = memory.read_u64(entry_pa);
    result.level = level;
    result.entry_address[slot] = entry_pa;
    if (!raw) {
      result.status = WalkResult::Status::reserved;
      return result;
    }
    PageEntry entry(*raw);
    result.entry[slot] = entry;
    if (!entry.present()) {
      result.status = WalkResult::Status::not_present;
      return result;
    }
    result.writable &= entry.writable();
    result.user &= entry.user();
    result.executable &= !entry.no_execute();

    if (level == Level::pml4 && entry.has(PageEntry::PS)) {
      result.status = WalkResult::Status::reserved;  // PML4 entries have no PS (SDM table 4-15)
      return result;
    }
    if (level == Level::pt || entry.large(level)) {
      result.status = WalkResult::Status::ok;
      result.page_size = x86::entry_span(level);
      result.frame = level == Level::pt ? entry.address() : entry.large_address(level);
      return result;
    }
    table = entry.address();
  }
}

}  // namespace shadowtlb
