// One vCPU's real page tables: what its CR3 points at while it runs. They hold
// the fixed kernel half copied from the guest root and, in the lower half,
// exactly the translations the vCPU's modelled TLB holds (DESIGN.md §3).
//
//   real PML4 ─┬─ [0..255]   lower half: one leaf per TLB entry
//              │     └─► PDPT ─► PD ─┬─ 2 MiB leaf
//              │                     └─► PT ─► 4 KiB leaf
//              └─ [256..511] copied from the guest root at load_cr3
//
// Upper levels are P|RW|US|A so the leaf alone decides the rights; an empty
// table goes back to the pool at once.
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "shadow_mmu/address.h"
#include "shadow_mmu/paging.h"
#include "shadow_mmu/phys_memory.h"
#include "table_pool.h"

namespace shadowtlb::mmu {

class RealTables {
 public:
  static constexpr std::uint64_t kTableFlags =
      x86::PageEntry::P | x86::PageEntry::RW | x86::PageEntry::US | x86::PageEntry::A;
  static constexpr unsigned kFirstKernelEntry = 256;

  // Allocates the real PML4 from `pool`.
  RealTables(TablePool& pool, PhysMemory& memory);
  RealTables(const RealTables&) = delete;
  RealTables& operator=(const RealTables&) = delete;

  [[nodiscard]] GuestPhysAddr root() const { return root_; }

  // PML4 entries 256..511: the kernel half, not modelled.
  void set_kernel_entry(unsigned index, std::uint64_t value);

  // Puts `leaf` (a 4 KiB PTE or a 2 MiB PDE) at va, building the tables
  // above it, or replaces the leaf already there. Throws std::runtime_error,
  // before changing anything, when the pool cannot supply the tables.
  void install(GuestVirtAddr va, std::uint64_t page_size, x86::PageEntry leaf);
  // Clears the leaf of that size at va (if any) and frees tables left empty.
  void remove(GuestVirtAddr va, std::uint64_t page_size);

  [[nodiscard]] std::size_t leaf_count() const { return leaves_; }
  [[nodiscard]] std::size_t table_count() const { return tables_.size() + 1; }

 private:
  struct Table {
    GuestPhysAddr pa;
    unsigned used = 0;  // present entries
  };
  // (level, lowest va the table maps) → the table. The root is not in here.
  using TableKey = std::pair<unsigned, std::uint64_t>;
  [[nodiscard]] static TableKey key_of(x86::Level level, GuestVirtAddr va);

  [[nodiscard]] std::uint64_t read(GuestPhysAddr pa) const;
  void write(GuestPhysAddr pa, std::uint64_t value);
  // Address of the entry for va in the table at `level` (root for pml4), or
  // nothing if that table does not exist.
  [[nodiscard]] std::optional<GuestPhysAddr> slot(x86::Level level, GuestVirtAddr va) const;
  void release_if_empty(x86::Level level, GuestVirtAddr va);

  TablePool& pool_;
  PhysMemory& memory_;
  GuestPhysAddr root_;
  unsigned root_used_ = 0;  // present lower-half entries of the root
  std::map<TableKey, Table> tables_;
  std::size_t leaves_ = 0;
};

}  // namespace shadowtlb::mmu
