// The page walk behind a guest #PF (HC_MMU_TLB_MISS): fill from the current
// tables, the dirty re-walk of a first write, spurious faults.
//
//   #PF ─► entry for va? ── no ─► walk current root ─ refused ─► fault (nothing cached)
//              │                       └─ permitted ─► set A (D) ─► cache + real leaf ─► retry
//              └─ yes ─► access refused by the entry ─► drop it, fault (spurious)
//                        write, entry clean ─► re-walk ─ permitted ─► set D, entry dirty ─► retry
//                                                     └─ refused ─► drop it, fault
#include "impl.h"

namespace shadowtlb::mmu {

namespace {

std::uint64_t error_code_of(Access access) {
  return (access.write ? 2u : 0u) | (access.user ? 4u : 0u) | (access.fetch ? 16u : 0u);
}

}  // namespace

MissResult ShadowMmu::Impl::tlb_miss(unsigned vcpu, GuestVirtAddr va, Access access,
                                     GuestVirtAddr rip) {
  Vcpu& v = at(vcpu);
  if (va.value() >= kModelledVaEnd) return fault(vcpu, va, access, nullptr, nullptr, rip);
  if (CachedEntry* cached = v.tlb.find(va)) return miss_on_cached(vcpu, *cached, va, access, rip);
  return fill(vcpu, va, access, rip);
}

MissResult ShadowMmu::Impl::fill(unsigned vcpu, GuestVirtAddr va, Access access, GuestVirtAddr rip) {
  Vcpu& v = at(vcpu);
  if (!v.has_root) return fault(vcpu, va, access, nullptr, nullptr, rip);
  Translation t = translate(ram_, v.root, va, config_.nx_enabled);
  // Not present, reserved or refused: a #PF, and nothing is cached (SDM 4.10.2.2).
  if (!t.permits(access, config_.nx_enabled)) return fault(vcpu, va, access, &t, nullptr, rip);

  std::uint64_t leaf_value = set_accessed_dirty(vcpu, t, access.write, va, rip);
  CachedEntry cached = make_entry(v.root, t, access.write, leaf_value);
  make_room(vcpu, cached.entry, rip);
  cached.entry.filled_at = cached.entry.last_used = log_.next_seq();
  insert(vcpu, cached);

  log_.emit(entry_event(EventKind::fill, vcpu, va, cached.entry, rip, 0));
  return MissResult::retry;
}

MissResult ShadowMmu::Impl::miss_on_cached(unsigned vcpu, CachedEntry& cached, GuestVirtAddr va,
                                           Access access, GuestVirtAddr rip) {
  // The entry refuses the access: the #PF invalidates it (SDM 4.10.4.1), so
  // the guest's handler, finding the PTE fine, retries into a fresh fill.
  // This is how a permission increase without a flush shows (SDM 4.10.4.3).
  if (!entry_permits(cached.entry, access, config_.nx_enabled))
    return spurious_fault(vcpu, Tlb::key_of(cached.entry), va, rip);
  if (access.write && !cached.entry.dirty) return dirty_upgrade(vcpu, cached, va, access, rip);
  // The entry allows the access as the real tables encode it: the fault can
  // only come from an edit not yet seen by the vCPU. Publish it again.
  publish(vcpu, cached);
  return MissResult::retry;
}

// A write through an entry cached clean re-walks the *current* tables to set
// D, and faults if they no longer allow the write: D is never set through a
// PTE that is absent or read-only now (SDM 4.8, and its note on CET-capable
// processors).
MissResult ShadowMmu::Impl::dirty_upgrade(unsigned vcpu, CachedEntry& cached, GuestVirtAddr va,
                                          Access access, GuestVirtAddr rip) {
  Vcpu& v = at(vcpu);
  const Tlb::Key old_key = Tlb::key_of(cached.entry);
  const EventSeq old_fill = cached.entry.filled_at;
  Translation t = translate(ram_, v.root, va, config_.nx_enabled);
  if (!t.permits(access, config_.nx_enabled)) {
    CachedEntry gone = drop(vcpu, old_key);
    return fault(vcpu, va, access, &t, &gone.entry, rip);
  }

  std::uint64_t leaf_value = set_accessed_dirty(vcpu, t, true, va, rip);
  CachedEntry fresh = make_entry(v.root, t, true, leaf_value);
  if (Tlb::key_of(fresh.entry) == old_key) {
    fresh.entry.filled_at = fresh.entry.last_used = log_.next_seq();
    index_.remove(fresh.key(vcpu), cached);
    cached = fresh;
    index_.add(fresh.key(vcpu), cached);
    publish(vcpu, cached);
  } else {
    // The current tables map va elsewhere (or with another page size): the
    // old translation goes and the fresh one takes its place.
    drop(vcpu, old_key);
    make_room(vcpu, fresh.entry, rip);
    fresh.entry.filled_at = fresh.entry.last_used = log_.next_seq();
    insert(vcpu, fresh);
  }

  // A replaced entry left the TLB: its verdicts settle here.
  emit_removal(entry_event(EventKind::dirty_upgrade, vcpu, va, fresh.entry, rip, old_fill));
  return MissResult::retry;
}

MissResult ShadowMmu::Impl::spurious_fault(unsigned vcpu, Tlb::Key key, GuestVirtAddr va,
                                           GuestVirtAddr rip) {
  CachedEntry gone = drop(vcpu, key);
  emit_removal(entry_event(EventKind::spurious_fault, vcpu, va, gone.entry, rip, gone.entry.filled_at));
  return MissResult::fault;
}

// `fault` event: pa/old_value name the paging entry where the walk stopped or
// that refused the access; new_value is the access as #PF error-code bits.
MissResult ShadowMmu::Impl::fault(unsigned vcpu, GuestVirtAddr va, Access access,
                                  const Translation* walk, const TlbEntry* dropped,
                                  GuestVirtAddr rip) {
  Event event;
  event.kind = EventKind::fault;
  event.vcpu = vcpu;
  event.va = va;
  event.rip = rip;
  event.new_value = error_code_of(access);
  if (walk != nullptr) {
    auto slot = static_cast<unsigned>(walk->walk.level);
    event.pa = walk->walk.entry_address[slot];
    event.old_value = walk->walk.entry[slot].raw();
  }
  if (dropped != nullptr) {
    event.entry = *dropped;
    event.cause = dropped->filled_at;
  }
  emit_removal(event);
  return MissResult::fault;
}

std::uint64_t ShadowMmu::Impl::set_accessed_dirty(unsigned vcpu, const Translation& t, bool write,
                                                  GuestVirtAddr va, GuestVirtAddr rip) {
  using x86::PageEntry;
  const auto leaf_slot = static_cast<unsigned>(t.walk.level);
  std::uint64_t leaf_value = 0;
  for (unsigned slot = 4; slot >= leaf_slot; --slot) {
    GuestPhysAddr entry = t.walk.entry_address[slot];
    // Read again: an earlier level of this walk may be the same entry (a
    // table that links to itself).
    std::uint64_t old_value = ram_.read_u64(entry).value_or(t.walk.entry[slot].raw());
    std::uint64_t want = PageEntry::A | (write && slot == leaf_slot ? PageEntry::D : 0);
    std::uint64_t new_value = old_value | want;
    if (new_value != old_value && ram_.write_u64(entry, new_value)) {
      std::vector<Pfn> became;  // A/D never change links: stays empty
      page_tables_.on_store(entry, old_value, new_value, false, became);
      Event event;
      event.kind = EventKind::ad_update;
      event.vcpu = vcpu;
      event.va = va;
      event.pa = entry;
      event.old_value = old_value;
      event.new_value = new_value;
      event.rip = rip;
      log_.emit(event);
    } else {
      new_value = old_value;
    }
    if (slot == leaf_slot) leaf_value = new_value;
    if (slot == 1) break;
  }
  // The D just set records every earlier stale write to this frame.
  if (write) cover_verdicts();
  return leaf_value;
}

CachedEntry ShadowMmu::Impl::make_entry(GuestPhysAddr root, const Translation& t, bool dirty,
                                        std::uint64_t leaf_value) const {
  CachedEntry cached;
  TlbEntry& e = cached.entry;
  e.va = t.va;
  e.page_size = t.page_size;
  e.frame = t.frame;
  e.writable = t.writable;
  e.user = t.user;
  e.executable = t.executable;
  e.dirty = dirty;
  e.global = t.global;
  e.path = t.visited();
  e.leaf_level = t.walk.level;
  e.leaf_value = leaf_value;
  cached.root = root;
  cached.watch = t.visited();
  cached.watch_level = t.walk.level;
  return cached;
}

}  // namespace shadowtlb::mmu
