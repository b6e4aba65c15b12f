// Trapped accesses to guest paging entries (the page-table view): the VMM is
// their one writer, so every change is seen here before it completes, and
// each TLB entry that depended on the written entry is re-judged at once.
//
//   store ─► page-table pages / leaf index ─► open lost-dirty verdicts covered?
//         ─► entries watching the address, per mode:
//            architectural: same frame, size, no right taken? ── yes ─► unchanged (A/D, added rights)
//                                                            └─ no ─► stale (dirty: real leaf → alias)
//            dirty_shootdown: as architectural, but a dirty entry that would go stale
//                             or whose leaf lost D is dropped, vCPU in sync
//            coherent: exactly the same translation, A/D? ── yes ─► unchanged (A/D sets only)
//                                                        └─ no ─► dropped, vCPU in sync
#include "impl.h"

namespace shadowtlb::mmu {

using x86::PageEntry;

std::uint64_t ShadowMmu::Impl::read_pte(unsigned vcpu, GuestPhysAddr pte, GuestVirtAddr rip) {
  at(vcpu);
  // Outside RAM (or misaligned) reads as not present: never the VMM's memory.
  std::uint64_t value = ram_.read_u64(pte).value_or(0);
  Event event;
  event.kind = EventKind::pte_read;
  event.vcpu = vcpu;
  event.pa = pte;
  event.old_value = value;
  event.rip = rip;
  log_.emit(event);
  return value;
}

PteWriteResult ShadowMmu::Impl::write_pte(unsigned vcpu, GuestPhysAddr pte, std::uint64_t value,
                                          GuestVirtAddr rip) {
  at(vcpu);
  std::optional<std::uint64_t> old_value = ram_.read_u64(pte);
  if (!old_value) {
    // Not RAM: the store is dropped, and the event (old_value 0) says so.
    Event event;
    event.kind = EventKind::pte_write;
    event.vcpu = vcpu;
    event.pa = pte;
    event.new_value = value;
    event.rip = rip;
    log_.emit(event);
    return {};
  }
  return apply_pte_write(vcpu, pte, *old_value, value, rip);
}

ShadowMmu::RmwResult ShadowMmu::Impl::rmw_pte(
    unsigned vcpu, GuestPhysAddr pte,
    const std::function<std::optional<std::uint64_t>(std::uint64_t)>& op, GuestVirtAddr rip) {
  // Read, compute and store under the caller's one lock, with no A/D update
  // of the model's in between: a guest `lock cmpxchg` stays atomic (the
  // VMM's read and write exits are applied as this one step).
  std::uint64_t old_value = read_pte(vcpu, pte, rip);
  if (!ram_.read_u64(pte)) return {old_value, {}};
  std::optional<std::uint64_t> new_value = op(old_value);
  if (!new_value) return {old_value, {}};
  return {old_value, apply_pte_write(vcpu, pte, old_value, *new_value, rip)};
}

// A kernel-half PML4 entry as the real root may copy it: one pointing outside
// RAM (or with the reserved PS) would hand the guest the VMM's memory.
std::uint64_t ShadowMmu::Impl::kernel_half_entry(std::uint64_t value) const {
  PageEntry e(value);
  if (!e.present()) return 0;
  if (e.has(PageEntry::PS) || !ram_.contains(e.address(), kPageSize)) return 0;
  return value;
}

PteWriteResult ShadowMmu::Impl::apply_pte_write(unsigned vcpu, GuestPhysAddr pte,
                                                std::uint64_t old_value, std::uint64_t value,
                                                GuestVirtAddr rip) {
  if (!ram_.write_u64(pte, value)) return {};  // checked by the caller; never outside RAM
  Event event;
  event.kind = EventKind::pte_write;
  event.vcpu = vcpu;
  event.pa = pte;
  event.old_value = old_value;
  event.new_value = value;
  event.rip = rip;
  EventSeq seq = log_.emit(event);

  std::vector<Pfn> became;
  page_tables_.on_store(pte, old_value, value, true, became);
  // First: a store that sets D (set_pte_at after ptep_get_and_clear) covers
  // the stale writes before it, even if it also drops their entry below.
  cover_verdicts();

  // The kernel half is not modelled: a change to a loaded root's kernel half
  // reaches the real roots at once, as it would through a native CR3.
  const unsigned index = static_cast<unsigned>((pte.value() & (kPageSize - 1)) / 8);
  if (index >= RealTables::kFirstKernelEntry) {
    for (auto& v : vcpus_)
      if (v->has_root && v->root == pte.align_down(kPageSize))
        v->real.set_kernel_entry(index, kernel_half_entry(value));
  }

  PteWriteResult result;
  if (old_value != value)
    for (const EntryKey& key : index_.watching(pte)) recheck(key, seq, vcpu, rip, result);
  // After the re-judging: an entry dropped by this very write reaches nothing.
  report_new_page_tables(became, seq, rip);
  return result;
}

// Re-walks the tables an entry came from and decides what the write did to it.
void ShadowMmu::Impl::recheck(const EntryKey& key, EventSeq cause, unsigned writer,
                              GuestVirtAddr rip, PteWriteResult& result) {
  CachedEntry* cached = at(key.vcpu).tlb.get({key.va, key.page_size});
  if (cached == nullptr) return;
  Translation now = translate(ram_, cached->root, cached->entry.va, config_.nx_enabled);
  const bool same = still_translates(cached->entry, now);
  // A dirty-cached entry whose leaf lost D (page_mkclean's pte_mkclean): the
  // next write would not set D again (SDM 4.10.4.3).
  const bool cleaned = cached->entry.dirty && same && !now.leaf_dirty;

  bool shoot = false;
  if (config_.mode == TlbMode::coherent) {
    // Not just what architectural mode calls stale: an added right or a
    // cleared A must reach the TLB too, or the vCPU would take a spurious
    // #PF (or skip an A update) that no up-to-date TLB gives.
    shoot = !translates_exactly(cached->entry, now);
  } else if (config_.enforce == EnforcePolicy::dirty_shootdown) {
    shoot = cached->entry.dirty && (!same || cleaned);
  }
  if (shoot) {
    CachedEntry gone = drop(key.vcpu, {key.va, key.page_size});
    Event event;
    event.kind = EventKind::enforce;
    event.vcpu = key.vcpu;
    event.initiator = writer;
    event.va = gone.entry.va;
    event.pa = gone.entry.frame;
    event.rip = rip;
    event.cause = cause;
    event.entry = gone.entry;
    emit_removal(event);
    result.sync.set(key.vcpu);
    return;
  }

  rewatch(key.vcpu, *cached, now);
  TlbEntry& e = cached->entry;
  if (same == !e.stale) return;  // no change of state
  if (!same) {
    // Architectural: the entry lives on until flushed or evicted (SDM 4.10.4.4).
    e.stale = true;
    e.stale_since = cause;
    cached->stale_by_vcpu = writer;
    cached->stale_by_rip = rip;
  } else {
    // The tables give this translation again (a PTE cleared and restored, as
    // ptep_modify_prot_start/commit do): the entry is current again.
    e.stale = false;
    e.stale_since = 0;
    cached->stale_by_vcpu = 0;
    cached->stale_by_rip = GuestVirtAddr();
  }
  if (e.dirty) {
    // Re-point the real leaf (alias ⇄ frame). Going stale must be seen by the
    // vCPU before the write completes, or its writes would go unobserved.
    publish(key.vcpu, *cached);
    if (e.stale) result.sync.set(key.vcpu);
  }
  Event event;
  event.kind = EventKind::stale;  // entry.stale false: current again
  event.vcpu = key.vcpu;
  event.initiator = writer;
  event.va = e.va;
  event.pa = e.frame;
  event.rip = rip;
  event.cause = cause;
  event.entry = e;
  log_.emit(event);
}

}  // namespace shadowtlb::mmu
