// Pass-through MMU calls: CR3 loads switch the vCPU's CR3, everything else is a no-op.
//
// On this host ring 0 is emulated and walks the tables on every access, so a
// guest that changes its own tables needs no flush to see the change; the
// calls still validate their arguments so a buggy guest learns early.
#include "vmm/exits/passthrough_mmu.h"

#include <atomic>
#include <cstring>

#include "vmm/mmu/rmw_instruction.h"

namespace shadowtlb::vmm {

namespace {

constexpr std::uint64_t kCr3AddressMask = 0x000f'ffff'ffff'f000ull;

}  // namespace

std::int64_t PassthroughMmu::load_cr3(ExitContext& ctx, GuestPhysAddr root, std::uint64_t flags) {
  if (flags != 0 || !root.is_aligned(kPageSize) || root.value() + kPageSize > memory_.ram_size())
    return -abi::HC_EINVAL;
  kvm_sregs& sregs = ctx.sregs();
  sregs.cr3 = (sregs.cr3 & ~kCr3AddressMask) | root.value();
  ctx.mark_sregs_dirty();
  return abi::HC_OK;
}

std::int64_t PassthroughMmu::flush_local(ExitContext&, GuestVirtAddr, std::uint64_t) {
  return abi::HC_OK;
}

std::int64_t PassthroughMmu::shootdown(ExitContext&, const abi::flush_request&) {
  return abi::HC_OK;
}

std::int64_t PassthroughMmu::tlb_miss(ExitContext&, GuestVirtAddr, std::uint64_t, GuestVirtAddr) {
  // Without a model every #PF is a real fault of the guest's own tables.
  return abi::TLB_MISS_FAULT;
}

std::int64_t PassthroughMmu::page_freed(ExitContext&, Pfn, unsigned) { return abi::HC_OK; }
std::int64_t PassthroughMmu::page_dirty(ExitContext&, Pfn, unsigned, bool) { return abi::HC_OK; }

std::int64_t PassthroughMmu::page_reused(ExitContext&, Pfn, unsigned) { return abi::HC_OK; }

// Without a model the view is plain memory: each access is performed on RAM.
// A locked RMW arrives as a read exit then a write exit while KVM's own page
// walker may set A/D in the same entry in between (the guest's tables are the
// real ones here): so the RMW is done on the read exit with a host atomic
// compare-exchange, which KVM's A/D updates (atomic too) cannot slip into.
bool PassthroughMmu::pt_view_read(ExitContext& ctx, GuestPhysAddr pa, unsigned len,
                                  std::uint64_t& value) {
  std::span<std::byte> bytes = memory_.host_span(pa, len);
  if (bytes.empty() || len > sizeof value || (pa.value() & 7) + len > 8) return false;
  if (rmw_read(ctx, pa, len, value)) return true;
  value = 0;
  std::memcpy(&value, bytes.data(), len);
  return true;
}

bool PassthroughMmu::rmw_read(ExitContext& ctx, GuestPhysAddr pa, unsigned len,
                              std::uint64_t& value) {
  std::optional<RmwInstruction> rmw = decode_rmw_at(ctx, memory_);
  if (!rmw || rmw->size != len) return false;
  GuestPhysAddr entry = pa.align_down(8);
  auto* word = reinterpret_cast<std::uint64_t*>(memory_.host_span(entry, 8).data());
  std::atomic_ref<std::uint64_t> atomic(*word);
  const unsigned offset = pa.value() & 7;
  std::uint64_t old = atomic.load();
  std::uint64_t stored;
  do {
    stored = rmw->apply(entry_bytes(old, offset, len));
  } while (!atomic.compare_exchange_weak(old, with_entry_bytes(old, offset, len, stored)));
  pending_.expect_write(ctx.vcpu_id, pa, len, stored);
  value = entry_bytes(old, offset, len);
  return true;
}

bool PassthroughMmu::pt_view_write(ExitContext& ctx, GuestPhysAddr pa, unsigned len,
                                   std::uint64_t value) {
  std::span<std::byte> bytes = memory_.host_span(pa, len);
  if (bytes.empty() || len > sizeof value) return false;
  if (pending_.consume(ctx.vcpu_id, pa, len, value)) return true;
  std::memcpy(bytes.data(), &value, len);
  return true;
}

}  // namespace shadowtlb::vmm
