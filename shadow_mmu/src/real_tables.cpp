// Building and pruning one vCPU's real tables, leaf by leaf.
#include "real_tables.h"

#include <optional>
#include <stdexcept>

namespace shadowtlb::mmu {

using x86::Level;
using x86::PageEntry;

namespace {

Level below(Level level) { return static_cast<Level>(static_cast<unsigned>(level) - 1); }
Level above(Level level) { return static_cast<Level>(static_cast<unsigned>(level) + 1); }
Level leaf_level_of(std::uint64_t page_size) {
  if (page_size == kPageSize) return Level::pt;
  if (page_size == kHugePageSize) return Level::pd;
  throw std::logic_error("shadow MMU: real tables hold 4 KiB and 2 MiB leaves only");
}

}  // namespace

RealTables::RealTables(TablePool& pool, PhysMemory& memory)
    : pool_(pool), memory_(memory), root_(pool.allocate()) {}

RealTables::TableKey RealTables::key_of(Level level, GuestVirtAddr va) {
  // A table at `level` maps the span of one entry of the level above it.
  return {static_cast<unsigned>(level), va.align_down(x86::entry_span(above(level))).value()};
}

std::uint64_t RealTables::read(GuestPhysAddr pa) const {
  std::optional<std::uint64_t> value = memory_.read_u64(pa);
  if (!value) throw std::logic_error("shadow MMU: real table outside memory");
  return *value;
}

void RealTables::write(GuestPhysAddr pa, std::uint64_t value) {
  if (!memory_.write_u64(pa, value)) throw std::logic_error("shadow MMU: real table outside memory");
}

std::optional<GuestPhysAddr> RealTables::slot(Level level, GuestVirtAddr va) const {
  GuestPhysAddr table = root_;
  if (level != Level::pml4) {
    auto it = tables_.find(key_of(level, va));
    if (it == tables_.end()) return std::nullopt;
    table = it->second.pa;
  }
  return table + x86::table_index(va, level) * sizeof(std::uint64_t);
}

void RealTables::set_kernel_entry(unsigned index, std::uint64_t value) {
  if (index < kFirstKernelEntry || index >= x86::kEntriesPerTable)
    throw std::logic_error("shadow MMU: not a kernel-half PML4 entry");
  write(root_ + index * sizeof(std::uint64_t), value);
}

void RealTables::install(GuestVirtAddr va, std::uint64_t page_size, PageEntry leaf) {
  const Level leaf_level = leaf_level_of(page_size);
  if (va.value() >= x86::entry_span(Level::pml4) * kFirstKernelEntry)
    throw std::logic_error("shadow MMU: real-table leaves are lower-half only");

  std::uint64_t missing = 0;
  for (Level level = Level::pdpt; level >= leaf_level; level = below(level))
    if (!tables_.contains(key_of(level, va))) ++missing;
  if (leaf_level == Level::pd && tables_.contains(key_of(Level::pt, va)))
    throw std::logic_error("shadow MMU: a real page table is in the way of a 2 MiB leaf");
  pool_.ensure_available(missing);

  for (Level level = Level::pdpt; level >= leaf_level; level = below(level)) {
    TableKey key = key_of(level, va);
    if (tables_.contains(key)) continue;
    GuestPhysAddr parent_slot = *slot(above(level), va);
    if (read(parent_slot) != 0)
      throw std::logic_error("shadow MMU: a real leaf is in the way of a new table");
    Table table{pool_.allocate(), 0};
    write(parent_slot, PageEntry::table(table.pa, kTableFlags).raw());
    if (above(level) == Level::pml4)
      ++root_used_;
    else
      ++tables_.at(key_of(above(level), va)).used;
    tables_.emplace(key, table);
  }

  GuestPhysAddr leaf_slot = *slot(leaf_level, va);
  std::uint64_t old = read(leaf_slot);
  write(leaf_slot, leaf.raw());
  if (old == 0) {
    ++tables_.at(key_of(leaf_level, va)).used;
    ++leaves_;
  }
}

void RealTables::remove(GuestVirtAddr va, std::uint64_t page_size) {
  const Level leaf_level = leaf_level_of(page_size);
  std::optional<GuestPhysAddr> leaf_slot = slot(leaf_level, va);
  if (!leaf_slot) return;
  PageEntry old(read(*leaf_slot));
  if (!old.present()) return;
  // A 2 MiB removal must not take out a pointer to a page table.
  if (leaf_level == Level::pd && !old.has(PageEntry::PS)) return;
  write(*leaf_slot, 0);
  --tables_.at(key_of(leaf_level, va)).used;
  --leaves_;
  release_if_empty(leaf_level, va);
}

void RealTables::release_if_empty(Level level, GuestVirtAddr va) {
  for (; level != Level::pml4; level = above(level)) {
    auto it = tables_.find(key_of(level, va));
    if (it == tables_.end() || it->second.used != 0) return;
    write(*slot(above(level), va), 0);
    pool_.release(it->second.pa);
    tables_.erase(it);
    if (above(level) == Level::pml4)
      --root_used_;
    else
      --tables_.at(key_of(above(level), va)).used;
  }
}

}  // namespace shadowtlb::mmu
