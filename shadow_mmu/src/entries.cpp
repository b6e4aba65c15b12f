// Putting TLB entries in and taking them out. Every change goes through here,
// so the TLB, the vCPU's real tables and the reverse indexes never disagree.
#include <algorithm>
#include <limits>

#include "impl.h"

namespace shadowtlb::mmu {

using x86::PageEntry;

// The real-table encoding of an entry (DESIGN.md §3):
//   frame    the cached frame, or readonly_alias_base + frame for a stale dirty
//            entry, so that every write through it exits to the VMM;
//   RW       only when cached dirty: a clean entry's first write must fault
//            natively and re-walk (SDM 4.8), never set D behind the model;
//   US, XD   as cached; A and D preset so the processor never writes the
//            real tables; no G: the model, not the hardware, keeps globals.
PageEntry ShadowMmu::Impl::real_leaf(const TlbEntry& entry) const {
  GuestPhysAddr target = entry.frame;
  if (entry.stale && entry.dirty) target = config_.readonly_alias_base + entry.frame.value();
  std::uint64_t flags = PageEntry::A | PageEntry::D;
  if (entry.dirty && entry.writable) flags |= PageEntry::RW;
  if (entry.user) flags |= PageEntry::US;
  if (config_.nx_enabled && !entry.executable) flags |= PageEntry::XD;
  return entry.page_size == kPageSize ? PageEntry::page(target, flags)
                                      : PageEntry::huge_page(target, flags);
}

void ShadowMmu::Impl::publish(unsigned vcpu, const CachedEntry& cached) {
  at(vcpu).real.install(cached.entry.va, cached.entry.page_size, real_leaf(cached.entry));
}

void ShadowMmu::Impl::make_room(unsigned vcpu, const TlbEntry& incoming, GuestVirtAddr rip) {
  Vcpu& v = at(vcpu);
  // The real tables cannot hold a 2 MiB leaf over a page table, so 4 KiB
  // entries under a new 2 MiB one go. A TLB may drop any entry at any time
  // (SDM 4.10.2.3 even leaves it undefined which of two sizes is used).
  if (incoming.page_size == kHugePageSize) {
    for (Tlb::Key key : v.tlb.overlapping(incoming.va.value(), incoming.va.value() + kHugePageSize))
      if (key.page_size == kPageSize) evict(vcpu, key, rip);
  }
  while (v.tlb.full()) evict(vcpu, v.tlb.victim(), rip);
}

void ShadowMmu::Impl::insert(unsigned vcpu, const CachedEntry& cached) {
  Vcpu& v = at(vcpu);
  publish(vcpu, cached);  // first: it throws, changing nothing, when the pool runs dry
  v.tlb.insert(cached);
  index_.add(cached.key(vcpu), cached);
}

CachedEntry ShadowMmu::Impl::drop(unsigned vcpu, Tlb::Key key) {
  Vcpu& v = at(vcpu);
  std::optional<CachedEntry> gone = v.tlb.remove(key);
  if (!gone) throw std::logic_error("shadow MMU: dropping an entry the TLB does not hold");
  v.real.remove(gone->entry.va, gone->entry.page_size);
  index_.remove(gone->key(vcpu), *gone);
  verdicts_.entry_removed(gone->key(vcpu));
  return *gone;
}

EventSeq ShadowMmu::Impl::emit_removal(const Event& event) {
  EventSeq seq = log_.emit(event);
  for (const LostDirtyVerdict& verdict : verdicts_.take_due()) record_lost_dirty(verdict, seq);
  return seq;
}

void ShadowMmu::Impl::evict(unsigned vcpu, Tlb::Key key, GuestVirtAddr rip) {
  CachedEntry gone = drop(vcpu, key);
  emit_removal(entry_event(EventKind::evict, vcpu, gone.entry.va, gone.entry, rip, gone.entry.filled_at));
}

void ShadowMmu::Impl::drop_range(unsigned vcpu, std::uint64_t start, std::uint64_t end) {
  end = std::min(end, kModelledVaEnd);
  for (Tlb::Key key : at(vcpu).tlb.overlapping(start, end)) drop(vcpu, key);
}

void ShadowMmu::Impl::drop_non_global(unsigned vcpu) {
  for (Tlb::Key key : at(vcpu).tlb.non_global()) drop(vcpu, key);
}

void ShadowMmu::Impl::flush(unsigned vcpu, GuestVirtAddr va, std::uint64_t npages) {
  if (npages == kFlushAll) {
    drop_non_global(vcpu);
    return;
  }
  std::uint64_t start = va.align_down(kPageSize).value();
  std::uint64_t room = (std::numeric_limits<std::uint64_t>::max() - start) / kPageSize;
  std::uint64_t end =
      npages > room ? std::numeric_limits<std::uint64_t>::max() : start + npages * kPageSize;
  drop_range(vcpu, start, end);
}

void ShadowMmu::Impl::rewatch(unsigned vcpu, CachedEntry& cached, const Translation& now) {
  EntryKey key = cached.key(vcpu);
  index_.remove(key, cached);
  cached.watch = now.visited();
  cached.watch_level = now.walk.level;
  index_.add(key, cached);
}

Hazard ShadowMmu::Impl::hazard_for(HazardKind kind, const EntryKey& key, const CachedEntry& cached,
                                   GuestPhysAddr frame, GuestVirtAddr rip) const {
  Hazard h;
  h.kind = kind;
  h.vcpu = key.vcpu;
  h.va = cached.entry.va + (frame.align_down(kPageSize) - cached.entry.frame);
  h.frame = frame.align_down(kPageSize);
  h.rip = rip;
  h.entry = cached.entry;
  h.stale_since = cached.entry.stale_since;
  if (cached.entry.stale) {
    h.stale_by_vcpu = cached.stale_by_vcpu;
    h.stale_by_rip = cached.stale_by_rip;
  }
  return h;
}

void ShadowMmu::Impl::report_new_page_tables(const std::vector<Pfn>& became, EventSeq cause,
                                             GuestVirtAddr rip) {
  for (Pfn pfn : became) {
    for (const EntryKey& key : index_.reaching(pfn.address(), kPageSize)) {
      const CachedEntry& cached = *at(key.vcpu).tlb.get({key.va, key.page_size});
      log_.record(hazard_for(HazardKind::pt_page_reachable, key, cached, pfn.address(), rip), cause);
    }
  }
}

}  // namespace shadowtlb::mmu
