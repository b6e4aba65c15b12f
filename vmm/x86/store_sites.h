// The store instruction behind each write exit, decoded once per code site.
//
// find_store_before costs fifteen Capstone decodes, too much for every
// page-table write of a run. But the instruction that ends at a given RIP is
// always the same one: the guest kernel's text never changes and every
// address space maps it at the same addresses. So the answer is remembered
// by RIP, including "no single candidate", which is as much a property of
// the code bytes as a hit is.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "shadow_mmu/address.h"
#include "shadow_mmu/phys_memory.h"

namespace shadowtlb::vmm {

class StoreSites {
 public:
  explicit StoreSites(const PhysMemory& memory) : memory_(memory) {}

  // The start of the store that ended at rip_after, or rip_after itself when
  // it cannot be told (see find_store_before). Safe from any vCPU thread.
  [[nodiscard]] GuestVirtAddr store_before(GuestPhysAddr cr3, GuestVirtAddr rip_after,
                                           const kvm_regs& regs, std::uint64_t written_page_offset,
                                           unsigned written_bytes);

  [[nodiscard]] std::size_t decoded_sites() const;

 private:
  const PhysMemory& memory_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::optional<GuestVirtAddr>> sites_;  // by rip_after
};

}  // namespace shadowtlb::vmm
