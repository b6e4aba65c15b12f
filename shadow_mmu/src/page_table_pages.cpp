// Tracing page-table pages by link counts, and the frame → leaf-entry index.
#include "page_table_pages.h"

#include <limits>

namespace shadowtlb::mmu {

using x86::Level;
using x86::PageEntry;

namespace {

constexpr unsigned kLowerHalfEntries = 256;  // PML4 entries 0..255 map the lower half

unsigned index_in_table(GuestPhysAddr entry) {
  return static_cast<unsigned>((entry.value() & (kPageSize - 1)) / sizeof(std::uint64_t));
}

// PDPTE or PDE with PS, or any PTE (SDM 4.5). PS in a PML4E is reserved.
bool is_leaf(PageEntry e, unsigned level) {
  return level == 1 || ((level == 2 || level == 3) && e.has(PageEntry::PS));
}

bool modelled(GuestPhysAddr entry, unsigned level) {
  return level != 4 || index_in_table(entry) < kLowerHalfEntries;
}

}  // namespace

bool PageTablePages::traced(Pfn pfn, unsigned level) const {
  auto it = roles_.find(pfn.value());
  return it != roles_.end() && it->second.traced(level);
}

bool PageTablePages::is_page_table(Pfn pfn) const {
  auto it = roles_.find(pfn.value());
  return it != roles_.end() && it->second.any();
}

unsigned PageTablePages::levels(Pfn pfn) const {
  auto it = roles_.find(pfn.value());
  if (it == roles_.end()) return 0;
  unsigned bits = it->second.written ? 1u : 0u;
  for (unsigned level = 1; level <= 4; ++level)
    if (it->second.traced(level)) bits |= 1u << level;
  return bits;
}

void PageTablePages::add_root(GuestPhysAddr root, std::vector<Pfn>& became) {
  Pfn pfn = Pfn::of(root);
  if (!ram_.contains(pfn.address(), kPageSize)) return;  // a hostile root: nothing to trace
  Role& role = roles_[pfn.value()];
  if (role.root) return;
  bool was_table = role.any(), was_traced = role.traced(4);
  role.root = true;
  if (!was_table) became.push_back(pfn);
  if (!was_traced) scan(pfn, 4, became);
}

void PageTablePages::link(Pfn child, unsigned level, std::vector<Pfn>& became) {
  Role& role = roles_[child.value()];
  bool was_table = role.any(), was_traced = role.traced(level);
  ++role.links[level];
  if (!was_table) became.push_back(child);
  if (!was_traced) scan(child, level, became);
}

void PageTablePages::unlink(Pfn child, unsigned level) {
  auto it = roles_.find(child.value());
  if (it == roles_.end() || it->second.links[level] == 0) return;
  --it->second.links[level];
  if (!it->second.traced(level)) forget_entries(child, level);
  // forget_entries may have touched the map (a table linking to itself).
  it = roles_.find(child.value());
  if (it != roles_.end() && !it->second.any()) roles_.erase(it);
}

// Levels strictly decrease along links, so the recursion is at most 4 deep
// even for tables that link to themselves.
void PageTablePages::scan(Pfn table, unsigned level, std::vector<Pfn>& became) {
  unsigned entries = level == 4 ? kLowerHalfEntries : x86::kEntriesPerTable;
  for (unsigned i = 0; i < entries; ++i) {
    GuestPhysAddr entry = table.address() + i * sizeof(std::uint64_t);
    if (std::optional<std::uint64_t> value = ram_.read_u64(entry))
      add_entry(entry, level, *value, became);
  }
}

void PageTablePages::forget_entries(Pfn table, unsigned level) {
  std::vector<std::uint64_t> entries;
  const std::uint64_t first = table.address().value(), last = first + kPageSize;
  for (auto it = leaves_.lower_bound({first, 0}); it != leaves_.end() && it->first.first < last; ++it)
    if (it->first.second == level) entries.push_back(it->first.first);
  for (auto it = links_.lower_bound({first, 0}); it != links_.end() && it->first.first < last; ++it)
    if (it->first.second == level) entries.push_back(it->first.first);
  for (std::uint64_t entry : entries) {
    if (std::optional<Pfn> child = take_entry(GuestPhysAddr(entry), level)) unlink(*child, level - 1);
  }
}

std::optional<Pfn> PageTablePages::child_of(GuestPhysAddr entry, unsigned level,
                                            std::uint64_t value) const {
  PageEntry e(value);
  if (!e.present() || level == 1 || is_leaf(e, level) || !modelled(entry, level)) return std::nullopt;
  if (level == 4 && e.has(PageEntry::PS)) return std::nullopt;  // reserved: walks stop here
  if (!ram_.contains(e.address(), kPageSize)) return std::nullopt;
  return Pfn::of(e.address());
}

void PageTablePages::add_entry(GuestPhysAddr entry, unsigned level, std::uint64_t value,
                               std::vector<Pfn>& became) {
  PageEntry e(value);
  if (!e.present() || !modelled(entry, level)) return;
  if (is_leaf(e, level)) {
    std::uint64_t frame =
        level == 1 ? e.address().value() : e.large_address(static_cast<Level>(level)).value();
    leaves_[{entry.value(), level}] = Leaf{frame, value};
    by_frame_[{frame, level}].insert(entry.value());
    return;
  }
  if (std::optional<Pfn> child = child_of(entry, level, value)) {
    links_[{entry.value(), level}] = child->value();
    link(*child, level - 1, became);
  }
}

std::optional<Pfn> PageTablePages::take_entry(GuestPhysAddr entry, unsigned level) {
  if (auto leaf = leaves_.find({entry.value(), level}); leaf != leaves_.end()) {
    auto frame = by_frame_.find({leaf->second.frame, level});
    if (frame != by_frame_.end()) {
      frame->second.erase(entry.value());
      if (frame->second.empty()) by_frame_.erase(frame);
    }
    leaves_.erase(leaf);
  }
  if (auto link_it = links_.find({entry.value(), level}); link_it != links_.end()) {
    Pfn child(link_it->second);
    links_.erase(link_it);
    return child;
  }
  return std::nullopt;
}

void PageTablePages::update_entry(GuestPhysAddr entry, unsigned level, std::uint64_t old_value,
                                  std::uint64_t new_value, std::vector<Pfn>& became) {
  std::optional<Pfn> old_child = child_of(entry, level, old_value);
  std::optional<Pfn> new_child = child_of(entry, level, new_value);
  if (old_child && old_child == new_child) return;  // same table below (A or flags changed)
  // Link the new child before unlinking the old one, so a table reachable
  // both ways is never untraced and traced again in between.
  std::optional<Pfn> linked = take_entry(entry, level);
  add_entry(entry, level, new_value, became);
  if (linked) unlink(*linked, level - 1);
}

void PageTablePages::on_store(GuestPhysAddr entry, std::uint64_t old_value, std::uint64_t new_value,
                              bool trapped, std::vector<Pfn>& became) {
  Pfn table = Pfn::of(entry);
  auto it = roles_.find(table.value());
  if (it == roles_.end() || !it->second.any()) {
    if (!trapped) return;
    roles_[table.value()].written = true;
    became.push_back(table);
    return;
  }
  if (trapped) it->second.written = true;
  for (unsigned level = 4; level >= 1; --level)
    if (traced(table, level)) update_entry(entry, level, old_value, new_value, became);
}

void PageTablePages::on_freed(Pfn first, std::uint64_t count) {
  std::uint64_t end = count > std::numeric_limits<std::uint64_t>::max() - first.value()
                          ? std::numeric_limits<std::uint64_t>::max()
                          : first.value() + count;
  std::vector<std::uint64_t> frames;
  for (auto it = roles_.lower_bound(first.value()); it != roles_.end() && it->first < end; ++it)
    frames.push_back(it->first);
  for (std::uint64_t pfn : frames) {
    auto it = roles_.find(pfn);
    if (it == roles_.end()) continue;
    it->second.written = false;
    if (it->second.root) {
      it->second.root = false;
      if (!it->second.traced(4)) forget_entries(Pfn(pfn), 4);
    }
    it = roles_.find(pfn);
    if (it != roles_.end() && !it->second.any()) roles_.erase(it);
  }
}

std::vector<GuestPhysAddr> PageTablePages::leaves_mapping(Pfn frame) const {
  std::vector<GuestPhysAddr> out;
  for (unsigned level = 1; level <= 3; ++level) {
    std::uint64_t base = frame.address().align_down(x86::entry_span(static_cast<Level>(level))).value();
    auto it = by_frame_.find({base, level});
    if (it == by_frame_.end()) continue;
    for (std::uint64_t entry : it->second) out.emplace_back(entry);
  }
  return out;
}

bool PageTablePages::any_dirty_leaf(Pfn frame) const {
  for (unsigned level = 1; level <= 3; ++level) {
    std::uint64_t base = frame.address().align_down(x86::entry_span(static_cast<Level>(level))).value();
    auto it = by_frame_.find({base, level});
    if (it == by_frame_.end()) continue;
    for (std::uint64_t entry : it->second)
      if (PageEntry(leaves_.at({entry, level}).value).has(PageEntry::P | PageEntry::D)) return true;
  }
  return false;
}

}  // namespace shadowtlb::mmu
