// The pages the real tables are built from: a fixed region of the VMM's
// private memory, handed out one 4 KiB page at a time.
#pragma once

#include <cstdint>
#include <vector>

#include "shadow_mmu/address.h"
#include "shadow_mmu/phys_memory.h"

namespace shadowtlb::mmu {

class TablePool {
 public:
  // [base, base + size): page-aligned; size is rounded down to whole pages.
  TablePool(PhysMemory& memory, GuestPhysAddr base, std::uint64_t size);

  // A zeroed page. Throws std::runtime_error when the pool is exhausted.
  [[nodiscard]] GuestPhysAddr allocate();
  // Throws std::runtime_error unless `pages` more pages can be handed out, so
  // a caller can fail before changing anything.
  void ensure_available(std::uint64_t pages) const;
  // Gives a page back; the caller has cleared every entry in it.
  void release(GuestPhysAddr page);

  [[nodiscard]] bool contains(GuestPhysAddr pa) const {
    return pa >= base_ && pa - base_ < pages_ * kPageSize;
  }
  [[nodiscard]] std::uint64_t available() const { return pages_ - next_fresh_ + free_.size(); }
  [[nodiscard]] std::uint64_t in_use() const { return pages_ - available(); }
  [[nodiscard]] std::uint64_t capacity() const { return pages_; }

 private:
  PhysMemory& memory_;
  GuestPhysAddr base_;
  std::uint64_t pages_;
  std::uint64_t next_fresh_ = 0;      // pages below this index were handed out once
  std::vector<GuestPhysAddr> free_;   // released pages, reused last-in first-out
};

}  // namespace shadowtlb::mmu
