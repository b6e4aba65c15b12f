// The paravirtual MMU calls (HC_MMU_*), behind one interface: the pass-through
// backend runs the guest on its own tables; the shadow MMU (issue 3) replaces
// them with per-vCPU tables that model the TLB.
#pragma once

#include <cstdint>
#include <span>

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
  virtual std::int64_t page_dirty(ExitContext& ctx, Pfn pfn, unsigned order, bool dirty) = 0;

  // A guest access to the page-table view (abi::PT_VIEW_BASE + pa, no
  // memslot): every read and write of a paging entry arrives here as an MMIO
  // exit. `pa` is the guest-physical address behind the view; len is 1..8.
  // Returns false when the access is not acceptable (outside RAM, straddling
  // an 8-byte entry): the run then stops with the access named.
  [[nodiscard]] virtual bool pt_view_read(ExitContext& ctx, GuestPhysAddr pa, unsigned len,
                                          std::uint64_t& value) = 0;
  [[nodiscard]] virtual bool pt_view_write(ExitContext& ctx, GuestPhysAddr pa, unsigned len,
                                           std::uint64_t value) = 0;
  // A write through the read-only alias of RAM (abi::READONLY_ALIAS_BASE + pa):
  // only stale dirty TLB entries point there. False: nothing should have.
  [[nodiscard]] virtual bool readonly_alias_write(ExitContext& ctx, GuestPhysAddr pa,
                                                  std::span<const std::byte> data) = 0;
};

}  // namespace shadowtlb::vmm
