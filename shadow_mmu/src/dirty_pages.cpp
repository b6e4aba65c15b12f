#include "dirty_pages.h"

namespace shadowtlb::mmu {

void DirtyPages::set(Pfn first, std::uint64_t count, bool dirty) {
  for (std::uint64_t i = 0; i < count; ++i) {
    if (dirty) dirty_.insert(first + i);
    else dirty_.erase(first + i);
  }
}

}  // namespace shadowtlb::mmu
