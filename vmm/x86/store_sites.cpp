#include "vmm/x86/store_sites.h"

#include "vmm/x86/store_locator.h"

namespace shadowtlb::vmm {

GuestVirtAddr StoreSites::store_before(GuestPhysAddr cr3, GuestVirtAddr rip_after,
                                       const kvm_regs& regs, std::uint64_t written_page_offset,
                                       unsigned written_bytes) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = sites_.find(rip_after.value()); it != sites_.end())
      return it->second.value_or(rip_after);
  }
  // Decoded outside the lock: two vCPUs meeting a new site at once both
  // decode it and store the same answer.
  std::optional<GuestVirtAddr> start =
      find_store_before(memory_, cr3, rip_after, regs, written_page_offset, written_bytes);
  std::lock_guard lock(mutex_);
  sites_.emplace(rip_after.value(), start);
  return start.value_or(rip_after);
}

std::size_t StoreSites::decoded_sites() const {
  std::lock_guard lock(mutex_);
  return sites_.size();
}

}  // namespace shadowtlb::vmm
