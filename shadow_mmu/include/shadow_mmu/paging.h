// x86-64 4-level paging entry format (Intel SDM vol. 3, 4.5, tables 4-14..4-20).
//
// One entry type for all four levels: the bits the walker and the TLB model
// care about sit at the same place in a PML4E, PDPTE, PDE and PTE; PS is only
// meaningful in a PDPTE or a PDE.
#pragma once

#include <array>
#include <cstdint>

#include "shadow_mmu/address.h"

namespace shadowtlb::x86 {

// Paging-structure levels, root first, named as in the SDM.
enum class Level : std::uint8_t { pml4 = 4, pdpt = 3, pd = 2, pt = 1 };

// Bits 47:39, 38:30, 29:21, 20:12 of a linear address select the entry at each level.
constexpr unsigned index_shift(Level level) { return 12 + 9 * (static_cast<unsigned>(level) - 1); }
constexpr unsigned table_index(GuestVirtAddr va, Level level) {
  return static_cast<unsigned>((va.value() >> index_shift(level)) & 0x1ff);
}
// Bytes one entry maps at this level when it is a leaf (or the span below it).
constexpr std::uint64_t entry_span(Level level) { return std::uint64_t{1} << index_shift(level); }

inline constexpr unsigned kEntriesPerTable = 512;

class PageEntry {
 public:
  static constexpr std::uint64_t P = 1ull << 0;    // present
  static constexpr std::uint64_t RW = 1ull << 1;   // writable
  static constexpr std::uint64_t US = 1ull << 2;   // user
  static constexpr std::uint64_t PWT = 1ull << 3;
  static constexpr std::uint64_t PCD = 1ull << 4;
  static constexpr std::uint64_t A = 1ull << 5;    // accessed
  static constexpr std::uint64_t D = 1ull << 6;    // dirty (leaf only)
  static constexpr std::uint64_t PS = 1ull << 7;   // page size (PDPTE/PDE)
  static constexpr std::uint64_t G = 1ull << 8;    // global (leaf only)
  static constexpr std::uint64_t XD = 1ull << 63;  // execute-disable (needs EFER.NXE)
  // Bits 51:12 hold the frame of a 4 KiB page or of the next table.
  static constexpr std::uint64_t kAddrMask = 0x000f'ffff'ffff'f000ull;
  // Bits 51:21 hold the frame of a 2 MiB page (bit 12 is PAT there).
  static constexpr std::uint64_t kHugeAddrMask = 0x000f'ffff'ffe0'0000ull;

  constexpr PageEntry() = default;
  constexpr explicit PageEntry(std::uint64_t raw) : raw_(raw) {}

  static constexpr PageEntry table(GuestPhysAddr next, std::uint64_t flags) {
    return PageEntry((next.value() & kAddrMask) | flags | P);
  }
  static constexpr PageEntry page(GuestPhysAddr frame, std::uint64_t flags) {
    return PageEntry((frame.value() & kAddrMask) | flags | P);
  }
  static constexpr PageEntry huge_page(GuestPhysAddr frame, std::uint64_t flags) {
    return PageEntry((frame.value() & kHugeAddrMask) | flags | PS | P);
  }

  [[nodiscard]] constexpr std::uint64_t raw() const { return raw_; }
  [[nodiscard]] constexpr bool has(std::uint64_t bits) const { return (raw_ & bits) == bits; }
  [[nodiscard]] constexpr bool present() const { return has(P); }
  [[nodiscard]] constexpr bool writable() const { return has(RW); }
  [[nodiscard]] constexpr bool user() const { return has(US); }
  [[nodiscard]] constexpr bool accessed() const { return has(A); }
  [[nodiscard]] constexpr bool dirty() const { return has(D); }
  [[nodiscard]] constexpr bool global() const { return has(G); }
  [[nodiscard]] constexpr bool no_execute() const { return has(XD); }
  // A PDPTE or PDE with PS maps a page instead of pointing at a table.
  [[nodiscard]] constexpr bool large(Level level) const {
    return (level == Level::pdpt || level == Level::pd) && has(PS);
  }
  [[nodiscard]] constexpr GuestPhysAddr address() const { return GuestPhysAddr(raw_ & kAddrMask); }
  [[nodiscard]] constexpr GuestPhysAddr large_address(Level level) const {
    return GuestPhysAddr(raw_ & kAddrMask & ~(entry_span(level) - 1));
  }

  [[nodiscard]] constexpr PageEntry with(std::uint64_t bits) const { return PageEntry(raw_ | bits); }
  [[nodiscard]] constexpr PageEntry without(std::uint64_t bits) const {
    return PageEntry(raw_ & ~bits);
  }

  friend constexpr bool operator==(PageEntry, PageEntry) = default;

 private:
  std::uint64_t raw_ = 0;
};

static_assert(sizeof(PageEntry) == 8);
static_assert(index_shift(Level::pt) == 12 && index_shift(Level::pd) == 21);
static_assert(index_shift(Level::pdpt) == 30 && index_shift(Level::pml4) == 39);
static_assert(entry_span(Level::pd) == kHugePageSize);
static_assert(kEntriesPerTable * sizeof(PageEntry) == kPageSize);
static_assert(table_index(GuestVirtAddr(0xffff'ffff'8000'0000ull), Level::pml4) == 511);
static_assert(table_index(GuestVirtAddr(0xffff'ffff'8000'0000ull), Level::pdpt) == 510);

// A page-table page as the VMM or the model sees it.
using PageTable = std::array<PageEntry, kEntriesPerTable>;
static_assert(sizeof(PageTable) == kPageSize);

}  // namespace shadowtlb::x86
