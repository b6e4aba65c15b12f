// The MMU backend without a model: the guest's own tables are the real ones.
#pragma once

#include "vmm/exits/mmu_backend.h"
#include "vmm/memory/guest_memory.h"
#include "vmm/mmu/pending_rmw.h"

namespace shadowtlb::vmm {

class PassthroughMmu final : public MmuBackend {
 public:
  PassthroughMmu(GuestMemory& memory, unsigned vcpus) : memory_(memory), pending_(vcpus) {}

  std::int64_t load_cr3(ExitContext& ctx, GuestPhysAddr root, std::uint64_t flags) override;
  std::int64_t flush_local(ExitContext& ctx, GuestVirtAddr va, std::uint64_t npages) override;
  std::int64_t shootdown(ExitContext& ctx, const abi::flush_request& request) override;
  std::int64_t tlb_miss(ExitContext& ctx, GuestVirtAddr va, std::uint64_t error_code,
                        GuestVirtAddr rip) override;
  std::int64_t page_freed(ExitContext& ctx, Pfn pfn, unsigned order) override;
  std::int64_t page_dirty(ExitContext& ctx, Pfn pfn, unsigned order, bool dirty) override;
  std::int64_t page_reused(ExitContext& ctx, Pfn pfn, unsigned order) override;
  bool pt_view_read(ExitContext& ctx, GuestPhysAddr pa, unsigned len, std::uint64_t& value) override;
  bool pt_view_write(ExitContext& ctx, GuestPhysAddr pa, unsigned len, std::uint64_t value) override;
  // No model, no alias slot: nothing can write there.
  bool readonly_alias_write(ExitContext&, GuestPhysAddr, std::span<const std::byte>) override {
    return false;
  }

 private:
  bool rmw_read(ExitContext& ctx, GuestPhysAddr pa, unsigned len, std::uint64_t& value);

  GuestMemory& memory_;
  PendingRmws pending_;
};

}  // namespace shadowtlb::vmm
