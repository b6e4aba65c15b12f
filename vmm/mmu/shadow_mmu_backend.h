// The MMU backend with the model: paravirtual MMU calls and page-table-view
// accesses go to mmu::ShadowMmu under one lock; vCPUs whose real tables a
// change touched are made to leave guest mode before the change completes.
#pragma once

#include <mutex>
#include <vector>

#include "shadow_mmu/shadow_mmu.h"
#include "vmm/exits/machine_services.h"
#include "vmm/exits/mmu_backend.h"
#include "vmm/memory/guest_memory.h"
#include "vmm/mmu/mmu_stats.h"
#include "vmm/mmu/pending_rmw.h"
#include "vmm/x86/store_sites.h"

namespace shadowtlb::vmm {

class ShadowMmuBackend final : public MmuBackend {
 public:
  ShadowMmuBackend(const mmu::MmuConfig& config, GuestMemory& memory, MachineServices& machine,
                   mmu::EventSink* sink);

  std::int64_t load_cr3(ExitContext& ctx, GuestPhysAddr root, std::uint64_t flags) override;
  std::int64_t flush_local(ExitContext& ctx, GuestVirtAddr va, std::uint64_t npages) override;
  std::int64_t shootdown(ExitContext& ctx, const abi::flush_request& request) override;
  std::int64_t tlb_miss(ExitContext& ctx, GuestVirtAddr va, std::uint64_t error_code,
                        GuestVirtAddr rip) override;
  std::int64_t page_freed(ExitContext& ctx, Pfn pfn, unsigned order) override;
  std::int64_t page_reused(ExitContext& ctx, Pfn pfn, unsigned order) override;
  std::int64_t page_dirty(ExitContext& ctx, Pfn pfn, unsigned order, bool dirty) override;
  bool pt_view_read(ExitContext& ctx, GuestPhysAddr pa, unsigned len, std::uint64_t& value) override;
  bool pt_view_write(ExitContext& ctx, GuestPhysAddr pa, unsigned len, std::uint64_t value) override;
  bool readonly_alias_write(ExitContext& ctx, GuestPhysAddr pa,
                            std::span<const std::byte> data) override;

  // Inspection, safe from any thread.
  [[nodiscard]] TlbDump dump(std::string mark, unsigned vcpu, std::uint64_t value);
  [[nodiscard]] std::vector<mmu::Hazard> hazards();
  // End of run: settles the model's open lost-dirty-bit verdicts (every vCPU
  // has stopped, so no stale entry can be flushed any more).
  void finalize();
  [[nodiscard]] const MmuStats& stats() const { return stats_; }

 private:
  bool rmw_read(ExitContext& ctx, GuestPhysAddr pa, unsigned len, std::uint64_t& value);
  void synchronize(const mmu::VcpuMask& vcpus, unsigned self);
  GuestVirtAddr store_rip(ExitContext& ctx, GuestPhysAddr pa, unsigned len);

  GuestMemory& memory_;
  MachineServices& machine_;
  std::mutex mutex_;  // guards model_ and pending_
  mmu::ShadowMmu model_;
  PendingRmws pending_;
  MmuStats stats_;
  StoreSites store_sites_{memory_};
};

}  // namespace shadowtlb::vmm
