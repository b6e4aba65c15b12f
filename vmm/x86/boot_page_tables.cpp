// Boot page tables: a PML4, one PDPT per alias, one PD per GiB of RAM per alias.
#include "vmm/x86/boot_page_tables.h"

#include <stdexcept>

#include "abi/memory_layout.h"
#include "shadow_mmu/paging.h"

namespace shadowtlb::vmm {

using x86::Level;
using x86::PageEntry;

namespace {

constexpr std::uint64_t kGiB = 1ull << 30;

std::uint64_t gibs(std::uint64_t ram_bytes) { return (ram_bytes + kGiB - 1) / kGiB; }

// Hands out zeroed 4 KiB table pages from the private region, in order.
class TableAllocator {
 public:
  explicit TableAllocator(GuestMemory& memory) : memory_(memory), next_(memory.private_base()) {}
  GuestPhysAddr allocate() {
    GuestPhysAddr page = next_;
    next_ += kPageSize;
    if (next_ - memory_.private_base() > memory_.private_size())
      throw std::logic_error("boot page tables overflow the VMM private region");
    return page;
  }

 private:
  GuestMemory& memory_;
  GuestPhysAddr next_;
};

void set_entry(GuestMemory& memory, GuestPhysAddr table, unsigned index, PageEntry entry) {
  if (!memory.write(table + index * sizeof(PageEntry), entry.raw()))
    throw std::logic_error("boot page table outside guest memory");
}

// Maps RAM at `va_base` (a 1 GiB-aligned address) with 2 MiB pages, up to `limit` bytes.
void map_alias(GuestMemory& memory, TableAllocator& tables, GuestPhysAddr pml4,
               GuestVirtAddr va_base, std::uint64_t limit) {
  // A/D preset: the boot tables never need the processor to update them.
  constexpr std::uint64_t kFlags = PageEntry::RW | PageEntry::A | PageEntry::D;
  GuestPhysAddr pdpt = tables.allocate();
  set_entry(memory, pml4, x86::table_index(va_base, Level::pml4), PageEntry::table(pdpt, kFlags));
  for (std::uint64_t gib = 0; gib < gibs(limit); ++gib) {
    GuestPhysAddr pd = tables.allocate();
    GuestVirtAddr va = va_base + gib * kGiB;
    set_entry(memory, pdpt, x86::table_index(va, Level::pdpt), PageEntry::table(pd, kFlags));
    for (unsigned i = 0; i < x86::kEntriesPerTable; ++i) {
      std::uint64_t pa = gib * kGiB + i * kHugePageSize;
      if (pa >= limit) break;
      set_entry(memory, pd, i, PageEntry::huge_page(GuestPhysAddr(pa), kFlags));
    }
  }
}

}  // namespace

std::uint64_t boot_page_tables_size(std::uint64_t ram_bytes) {
  // PML4 + 3 PDPTs + one PD per GiB for the two full aliases + up to 2 for the kernel alias.
  return (1 + 3 + 2 * gibs(ram_bytes) + 2) * kPageSize;
}

GuestPhysAddr build_boot_page_tables(GuestMemory& memory) {
  const std::uint64_t ram = memory.ram_size();
  TableAllocator tables(memory);
  GuestPhysAddr pml4 = tables.allocate();
  map_alias(memory, tables, pml4, GuestVirtAddr(0), ram);
  map_alias(memory, tables, pml4, GuestVirtAddr(abi::DIRECT_MAP_BASE), ram);
  // The kernel base is 2 GiB below the top of the address space: map at most that.
  map_alias(memory, tables, pml4, GuestVirtAddr(abi::KERNEL_BASE).align_down(kGiB),
            std::min(ram, 2 * kGiB));
  return pml4;
}

}  // namespace shadowtlb::vmm
