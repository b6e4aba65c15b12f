// Which guest frames are page-table pages, at which level, and which leaf
// paging entries map each frame.
//
// A frame becomes a traced table when it is loaded as a root (lower half
// only: the kernel half is fixed and native) or linked from a traced table:
// a present non-leaf entry at level L makes its target a table at level L-1.
// Links are counted, so a table stops being traced when its last link goes;
// its own entries are then forgotten too. A frame first written through the
// page-table view is a page-table page of unknown level until linked.
//
// The leaf index answers the lost-dirty-bit question: after a write through a
// stale entry, does any paging entry that maps this frame have D set?
// (SDM 4.8: D lives in the leaf that identifies the final physical address.)
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "ram_view.h"
#include "shadow_mmu/address.h"
#include "shadow_mmu/paging.h"

namespace shadowtlb::mmu {

class PageTablePages {
 public:
  explicit PageTablePages(const RamView& ram) : ram_(ram) {}

  // Frames that became page-table pages during a call are appended to `became`.
  void add_root(GuestPhysAddr root, std::vector<Pfn>& became);
  // `entry` now holds new_value instead of old_value (the store is done).
  // `trapped`: the guest wrote it through the page-table view (not an A/D
  // update by the model).
  void on_store(GuestPhysAddr entry, std::uint64_t old_value, std::uint64_t new_value,
                bool trapped, std::vector<Pfn>& became);
  // The guest freed [first, first + count): no longer a root or a fresh table.
  void on_freed(Pfn first, std::uint64_t count);

  [[nodiscard]] bool is_page_table(Pfn pfn) const;
  // Bit L (1..4) set: traced at level L. Bit 0: written through the view,
  // level unknown.
  [[nodiscard]] unsigned levels(Pfn pfn) const;
  // Leaf entries (of traced tables) that map the 4 KiB frame, at any page size.
  [[nodiscard]] std::vector<GuestPhysAddr> leaves_mapping(Pfn frame) const;
  [[nodiscard]] bool any_dirty_leaf(Pfn frame) const;

 private:
  struct Role {
    std::array<std::uint32_t, 5> links{};  // by level 1..4
    bool root = false;
    bool written = false;
    [[nodiscard]] bool traced(unsigned level) const {
      return links[level] != 0 || (level == 4 && root);
    }
    [[nodiscard]] bool any() const {
      return written || root || links[1] || links[2] || links[3] || links[4];
    }
  };
  struct Leaf {
    std::uint64_t frame = 0;  // page base
    std::uint64_t value = 0;
  };
  using EntryAtLevel = std::pair<std::uint64_t, unsigned>;  // (entry pa, level of its table)

  [[nodiscard]] bool traced(Pfn pfn, unsigned level) const;
  void link(Pfn child, unsigned level, std::vector<Pfn>& became);
  void unlink(Pfn child, unsigned level);
  void scan(Pfn table, unsigned level, std::vector<Pfn>& became);
  void forget_entries(Pfn table, unsigned level);
  void add_entry(GuestPhysAddr entry, unsigned level, std::uint64_t value, std::vector<Pfn>& became);
  // Drops the entry's records; returns the child it linked, if any, still linked.
  [[nodiscard]] std::optional<Pfn> take_entry(GuestPhysAddr entry, unsigned level);
  void update_entry(GuestPhysAddr entry, unsigned level, std::uint64_t old_value,
                    std::uint64_t new_value, std::vector<Pfn>& became);
  [[nodiscard]] std::optional<Pfn> child_of(GuestPhysAddr entry, unsigned level,
                                            std::uint64_t value) const;

  const RamView& ram_;
  std::map<std::uint64_t, Role> roles_;                     // by pfn
  std::map<EntryAtLevel, std::uint64_t> links_;             // → child pfn
  std::map<EntryAtLevel, Leaf> leaves_;
  std::map<std::pair<std::uint64_t, unsigned>, std::set<std::uint64_t>> by_frame_;  // (frame, level) → entries
};

}  // namespace shadowtlb::mmu
