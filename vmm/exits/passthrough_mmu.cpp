// Pass-through MMU calls: CR3 loads switch the vCPU's CR3, everything else is a no-op.
//
// On this host ring 0 is emulated and walks the tables on every access, so a
// guest that changes its own tables needs no flush to see the change; the
// calls still validate their arguments so a buggy guest learns early.
#include "vmm/exits/passthrough_mmu.h"

#include <cstring>

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

std::int64_t PassthroughMmu::page_reused(ExitContext&, Pfn, unsigned) { return abi::HC_OK; }

// Without a model the view is plain memory: the access is simply performed.
// (A locked RMW arrives as a read exit then a write exit; with one writer per
// entry, as in the pass-through configuration's tests, that is enough.)
bool PassthroughMmu::pt_view_read(ExitContext&, GuestPhysAddr pa, unsigned len,
                                  std::uint64_t& value) {
  std::span<std::byte> bytes = memory_.host_span(pa, len);
  if (bytes.empty() || len > sizeof value) return false;
  value = 0;
  std::memcpy(&value, bytes.data(), len);
  return true;
}

bool PassthroughMmu::pt_view_write(ExitContext&, GuestPhysAddr pa, unsigned len,
                                   std::uint64_t value) {
  std::span<std::byte> bytes = memory_.host_span(pa, len);
  if (bytes.empty() || len > sizeof value) return false;
  std::memcpy(bytes.data(), &value, len);
  return true;
}

}  // namespace shadowtlb::vmm
