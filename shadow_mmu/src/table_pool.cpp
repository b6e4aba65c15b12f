// The real-table page pool: a bump allocator with a free list.
#include "table_pool.h"

#include <stdexcept>
#include <string>

#include "shadow_mmu/paging.h"

namespace shadowtlb::mmu {

TablePool::TablePool(PhysMemory& memory, GuestPhysAddr base, std::uint64_t size)
    : memory_(memory), base_(base), pages_(size / kPageSize) {
  if (!base.is_aligned(kPageSize))
    throw std::invalid_argument("shadow MMU: real_tables_base must be 4 KiB aligned");
}

void TablePool::ensure_available(std::uint64_t pages) const {
  if (available() < pages)
    throw std::runtime_error("shadow MMU: real-table pool exhausted (" + std::to_string(pages_) +
                             " pages of 4 KiB); raise real_tables_size or lower the TLB capacity");
}

GuestPhysAddr TablePool::allocate() {
  ensure_available(1);
  GuestPhysAddr page;
  if (!free_.empty()) {
    page = free_.back();
    free_.pop_back();
  } else {
    page = base_ + next_fresh_++ * kPageSize;
  }
  // Zeroed on every hand-out: the region may hold anything before first use,
  // and a table page must start with every entry not present.
  for (unsigned i = 0; i < x86::kEntriesPerTable; ++i) {
    if (!memory_.write_u64(page + i * sizeof(std::uint64_t), 0))
      throw std::runtime_error("shadow MMU: real-table pool page is not backed by memory");
  }
  return page;
}

void TablePool::release(GuestPhysAddr page) {
  if (!contains(page) || !page.is_aligned(kPageSize))
    throw std::logic_error("shadow MMU: released a page that is not from the real-table pool");
  free_.push_back(page);
}

}  // namespace shadowtlb::mmu
