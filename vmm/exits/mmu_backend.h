// The paravirtual MMU calls (HC_MMU_*), behind one interface: the pass-through
// backend runs the guest on its own tables; the shadow MMU (issue 3) replaces
// them with per-vCPU tables that model the TLB.
#pragma once

#include <cstdint>

#include "abi/hypercall.h"
#include "shadow_mmu/address.h"
#include "vmm/exits/exit_context.h"

namespace shadowtlb::vmm {

class MmuBackend {
 public:
  virtual ~MmuBackend() = default;

  // Each returns the hypercall result (>= 0, or a negated abi::hc_error).
  virtual std::int64_t load_cr3(ExitContext& ctx, GuestPhysAddr root, std::uint64_t flags) = 0;
  virtual std::int64_t flush_local(ExitContext& ctx, GuestVirtAddr va, std::uint64_t npages) = 0;
  virtual std::int64_t shootdown(ExitContext& ctx, const abi::flush_request& request) = 0;
  virtual std::int64_t tlb_miss(ExitContext& ctx, GuestVirtAddr va, std::uint64_t error_code,
                                GuestVirtAddr rip) = 0;
  virtual std::int64_t page_freed(ExitContext& ctx, Pfn pfn, unsigned order) = 0;
  virtual std::int64_t page_reused(ExitContext& ctx, Pfn pfn, unsigned order) = 0;
};

}  // namespace shadowtlb::vmm
