// Shadow MMU backend: hypercalls and trapped page-table accesses into the model.
//
// The model runs under mutex_; waiting for other vCPUs (synchronize) happens
// after the lock is dropped, so a vCPU that is itself waiting in the VMM never
// holds up another's shootdown.
#include "vmm/mmu/shadow_mmu_backend.h"

#include <fmt/format.h>

#include <cstring>

#include "abi/memory_layout.h"
#include "vmm/mmu/rmw_instruction.h"
#include "vmm/x86/disassembler.h"

namespace shadowtlb::vmm {

namespace {

constexpr std::uint64_t kCr3AddressMask = 0x000f'ffff'ffff'f000ull;

GuestVirtAddr rip_of(ExitContext& ctx) { return GuestVirtAddr(ctx.regs().rip); }

// A hypercall exit arrives with RIP past its `outl %eax, $HC_PORT`, which
// KVM has completed: events name the call instruction itself.
GuestVirtAddr call_rip(ExitContext& ctx) { return GuestVirtAddr(ctx.regs().rip - abi::HC_INSN_LENGTH); }

// An access must stay inside one naturally aligned 8-byte entry.
bool inside_one_entry(GuestPhysAddr pa, unsigned len) {
  return len >= 1 && len <= 8 && (pa.value() & 7) + len <= 8;
}

mmu::VcpuMask mask_of(const abi::flush_request& request, unsigned vcpus) {
  mmu::VcpuMask mask;
  for (unsigned i = 0; i < vcpus; ++i)
    if ((request.vcpu_mask[i / 64] >> (i % 64)) & 1) mask.set(i);
  return mask;
}

}  // namespace

ShadowMmuBackend::ShadowMmuBackend(const mmu::MmuConfig& config, GuestMemory& memory,
                                   MachineServices& machine, mmu::EventSink* sink)
    : memory_(memory), machine_(machine), model_(config, memory, sink), pending_(config.vcpus) {}

std::int64_t ShadowMmuBackend::load_cr3(ExitContext& ctx, GuestPhysAddr root, std::uint64_t flags) {
  MmuStats::Scope timed(stats_, MmuOp::load_cr3);
  if (flags != 0 || !root.is_aligned(kPageSize) || root.value() + kPageSize > memory_.ram_size())
    return -abi::HC_EINVAL;
  std::lock_guard lock(mutex_);
  GuestPhysAddr real = model_.load_cr3(ctx.vcpu_id, root, call_rip(ctx));
  kvm_sregs& sregs = ctx.sregs();
  sregs.cr3 = (sregs.cr3 & ~kCr3AddressMask) | real.value();
  ctx.mark_sregs_dirty();
  return abi::HC_OK;
}

std::int64_t ShadowMmuBackend::flush_local(ExitContext& ctx, GuestVirtAddr va,
                                           std::uint64_t npages) {
  MmuStats::Scope timed(stats_, MmuOp::flush_local);
  {
    std::lock_guard lock(mutex_);
    model_.flush_local(ctx.vcpu_id, va, npages == abi::FLUSH_ALL ? mmu::ShadowMmu::kFlushAll : npages,
                       call_rip(ctx));
  }
  // The vCPU is out of guest mode now; it reloads CR3 on its way back so a
  // host that caches real-table entries (VT-x) drops them too.
  ctx.mark_sregs_dirty();
  return abi::HC_OK;
}

std::int64_t ShadowMmuBackend::shootdown(ExitContext& ctx, const abi::flush_request& request) {
  MmuStats::Scope timed(stats_, MmuOp::shootdown);
  mmu::VcpuMask targets = mask_of(request, machine_.vcpu_count());
  {
    std::lock_guard lock(mutex_);
    model_.shootdown(ctx.vcpu_id, targets, GuestVirtAddr(request.start),
                     request.npages == abi::FLUSH_ALL ? mmu::ShadowMmu::kFlushAll : request.npages,
                     call_rip(ctx));
  }
  synchronize(targets, ctx.vcpu_id);
  if (targets.test(ctx.vcpu_id)) ctx.mark_sregs_dirty();
  return abi::HC_OK;
}

std::int64_t ShadowMmuBackend::tlb_miss(ExitContext& ctx, GuestVirtAddr va,
                                        std::uint64_t error_code, GuestVirtAddr rip) {
  MmuStats::Scope timed(stats_, MmuOp::tlb_miss);
  std::lock_guard lock(mutex_);
  mmu::MissResult r =
      model_.tlb_miss(ctx.vcpu_id, va, mmu::Access::from_error_code(error_code), rip);
  return r == mmu::MissResult::retry ? abi::TLB_MISS_RETRY : abi::TLB_MISS_FAULT;
}

std::int64_t ShadowMmuBackend::page_freed(ExitContext& ctx, Pfn pfn, unsigned order) {
  if (order > 18) return -abi::HC_EINVAL;
  std::lock_guard lock(mutex_);
  model_.page_freed(ctx.vcpu_id, pfn, order);
  return abi::HC_OK;
}

std::int64_t ShadowMmuBackend::page_reused(ExitContext& ctx, Pfn pfn, unsigned order) {
  if (order > 18) return -abi::HC_EINVAL;
  std::lock_guard lock(mutex_);
  model_.page_reused(ctx.vcpu_id, pfn, order);
  return abi::HC_OK;
}

std::int64_t ShadowMmuBackend::page_dirty(ExitContext& ctx, Pfn pfn, unsigned order, bool dirty) {
  if (order > 18) return -abi::HC_EINVAL;
  std::lock_guard lock(mutex_);
  model_.page_dirty(ctx.vcpu_id, pfn, order, dirty);
  return abi::HC_OK;
}

bool ShadowMmuBackend::pt_view_read(ExitContext& ctx, GuestPhysAddr pa, unsigned len,
                                    std::uint64_t& value) {
  if (!inside_one_entry(pa, len)) return false;
  const auto start = std::chrono::steady_clock::now();
  if (rmw_read(ctx, pa, len, value)) {
    stats_.record(MmuOp::pte_rmw, std::chrono::steady_clock::now() - start);
    return true;
  }
  MmuStats::Scope timed(stats_, MmuOp::pte_read);
  std::lock_guard lock(mutex_);
  GuestPhysAddr entry = pa.align_down(8);
  value = entry_bytes(model_.read_pte(ctx.vcpu_id, entry, rip_of(ctx)), pa.value() & 7, len);
  return true;
}

// On the read exit of a locked RMW the registers are those before the
// instruction: decode it, and do the read, the operation and the store as
// one step of the model. KVM then finishes the instruction from the value we
// answer and reports its store as a write exit, which pt_view_write drops.
bool ShadowMmuBackend::rmw_read(ExitContext& ctx, GuestPhysAddr pa, unsigned len,
                                std::uint64_t& value) {
  std::optional<RmwInstruction> rmw = decode_rmw_at(ctx, memory_);
  if (!rmw || rmw->size != len) return false;

  const unsigned offset = pa.value() & 7;
  mmu::ShadowMmu::RmwResult result;
  std::uint64_t stored = 0;
  {
    std::lock_guard lock(mutex_);
    result = model_.rmw_pte(
        ctx.vcpu_id, pa.align_down(8),
        [&](std::uint64_t old) -> std::optional<std::uint64_t> {
          stored = rmw->apply(entry_bytes(old, offset, len));
          return with_entry_bytes(old, offset, len, stored);
        },
        rip_of(ctx));
    pending_.expect_write(ctx.vcpu_id, pa, len, stored);
  }
  value = entry_bytes(result.old_value, offset, len);
  synchronize(result.write.sync, ctx.vcpu_id);
  return true;
}

bool ShadowMmuBackend::pt_view_write(ExitContext& ctx, GuestPhysAddr pa, unsigned len,
                                     std::uint64_t value) {
  MmuStats::Scope timed(stats_, MmuOp::pte_write);
  if (!inside_one_entry(pa, len)) return false;
  const GuestVirtAddr rip = store_rip(ctx, pa, len);
  mmu::PteWriteResult result;
  {
    std::lock_guard lock(mutex_);
    if (pending_.consume(ctx.vcpu_id, pa, len, value)) return true;
    GuestPhysAddr entry = pa.align_down(8);
    std::uint64_t current = memory_.read_u64(entry).value_or(0);
    result = model_.write_pte(ctx.vcpu_id, entry, with_entry_bytes(current, pa.value() & 7, len, value),
                              rip);
  }
  synchronize(result.sync, ctx.vcpu_id);
  return true;
}

bool ShadowMmuBackend::readonly_alias_write(ExitContext& ctx, GuestPhysAddr pa,
                                            std::span<const std::byte> data) {
  MmuStats::Scope timed(stats_, MmuOp::stale_write);
  GuestVirtAddr rip = store_rip(ctx, pa, static_cast<unsigned>(data.size()));
  std::lock_guard lock(mutex_);
  return model_.stale_write(ctx.vcpu_id, pa, data, rip);
}

// A write exit arrives after KVM has finished the store, with RIP past it
// (docs/host-facts.md): events name the store itself.
GuestVirtAddr ShadowMmuBackend::store_rip(ExitContext& ctx, GuestPhysAddr pa, unsigned len) {
  return store_sites_.store_before(GuestPhysAddr(ctx.sregs().cr3 & kCr3AddressMask), rip_of(ctx),
                                   ctx.regs(), pa.page_offset(), len);
}

TlbDump ShadowMmuBackend::dump(std::string mark, unsigned vcpu, std::uint64_t value) {
  std::lock_guard lock(mutex_);
  TlbDump d;
  d.mark = std::move(mark);
  d.vcpu = vcpu;
  d.value = value;
  for (unsigned i = 0; i < machine_.vcpu_count(); ++i) {
    d.entries.push_back(model_.entries(i));
    d.guest_roots.push_back(model_.guest_root(i));
  }
  return d;
}

void ShadowMmuBackend::finalize() {
  std::lock_guard lock(mutex_);
  model_.finalize();
}

std::vector<mmu::Hazard> ShadowMmuBackend::hazards() {
  std::lock_guard lock(mutex_);
  return model_.hazards();
}

void ShadowMmuBackend::synchronize(const mmu::VcpuMask& vcpus, unsigned self) {
  if (!vcpus.empty()) machine_.synchronize(vcpus, self);
}

}  // namespace shadowtlb::vmm
