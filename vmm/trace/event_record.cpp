// Converting model events, entries and dumps to their trace messages.
#include "vmm/trace/event_record.h"

namespace shadowtlb::trace {
namespace {

// Kinds whose `pa` is a page frame rather than a paging entry, root or byte address.
bool pa_is_frame(mmu::EventKind kind) {
  switch (kind) {
    case mmu::EventKind::fill:
    case mmu::EventKind::dirty_upgrade:
    case mmu::EventKind::spurious_fault:
    case mmu::EventKind::evict:
    case mmu::EventKind::stale:
    case mmu::EventKind::enforce:
    case mmu::EventKind::page_freed:
    case mmu::EventKind::page_reused:
    case mmu::EventKind::page_dirty:
    case mmu::EventKind::hazard:
      return true;
    default:
      return false;
  }
}

void add_hazard(const mmu::Hazard& h, proto::TraceRecord& r) {
  r.set_write_event(h.write_event);
  r.set_removed_at(h.removed_at);
  r.set_stale_since(h.stale_since);
  r.set_stale_by_vcpu(h.stale_by_vcpu);
  r.set_stale_by_rip(h.stale_by_rip.value());
}

}  // namespace

proto::RecordKind record_kind(mmu::EventKind kind) {
  switch (kind) {
    case mmu::EventKind::cr3_load: return proto::CR3_LOAD;
    case mmu::EventKind::fill: return proto::TLB_FILL;
    case mmu::EventKind::dirty_upgrade: return proto::DIRTY_UPGRADE;
    case mmu::EventKind::fault: return proto::GUEST_FAULT;
    case mmu::EventKind::spurious_fault: return proto::SPURIOUS_FAULT;
    case mmu::EventKind::flush_local: return proto::FLUSH_LOCAL;
    case mmu::EventKind::shootdown: return proto::FLUSH_REMOTE;
    case mmu::EventKind::evict: return proto::EVICT;
    case mmu::EventKind::pte_read: return proto::PTE_READ;
    case mmu::EventKind::pte_write: return proto::PTE_WRITE;
    case mmu::EventKind::ad_update: return proto::AD_UPDATE;
    case mmu::EventKind::stale: return proto::STALE;
    case mmu::EventKind::stale_write: return proto::STALE_WRITE;
    case mmu::EventKind::enforce: return proto::ENFORCE;
    case mmu::EventKind::page_freed: return proto::PAGE_FREED;
    case mmu::EventKind::page_reused: return proto::PAGE_REUSED;
    case mmu::EventKind::page_dirty: return proto::PAGE_DIRTY;
    case mmu::EventKind::hazard: return proto::HAZARD;
  }
  return proto::RECORD_UNKNOWN;
}

proto::TlbEntryRecord entry_record(const mmu::TlbEntry& e) {
  proto::TlbEntryRecord r;
  r.set_va(e.va.value());
  r.set_page_size(e.page_size);
  r.set_frame(e.frame.value());
  r.set_writable(e.writable);
  r.set_user(e.user);
  r.set_executable(e.executable);
  r.set_dirty(e.dirty);
  r.set_global(e.global);
  r.set_stale(e.stale);
  r.set_stale_since(e.stale_since);
  r.set_filled_at(e.filled_at);
  r.set_pte_address(e.leaf_address().value());
  r.set_pte_value(e.leaf_value);
  return r;
}

proto::TraceRecord event_record(const mmu::Event& e) {
  proto::TraceRecord r;
  r.set_seq(e.seq);
  r.set_kind(record_kind(e.kind));
  r.set_vcpu(e.vcpu);
  r.set_initiator(e.initiator);
  r.set_gva(e.va.value());
  r.set_gpa(e.pa.value());
  r.set_old_value(e.old_value);
  r.set_new_value(e.new_value);
  r.set_npages(e.npages);
  r.set_rip(e.rip.value());
  r.set_cause(e.cause);
  // An event without an entry carries a default one (page_size 0).
  const bool has_entry = e.entry.page_size != 0;
  if (has_entry) *r.mutable_entry() = entry_record(e.entry);
  if (has_entry)
    r.set_frame(e.entry.frame.value());
  else if (pa_is_frame(e.kind))
    r.set_frame(e.pa.value());
  if (e.kind == mmu::EventKind::hazard) {
    r.set_frame(e.pa.value());  // the 4 KiB frame reached, not the entry's (maybe 2 MiB) frame
    r.set_hazard_kind(std::string(mmu::hazard_kind_name(e.hazard)));
    if (e.hazard_details != nullptr) add_hazard(*e.hazard_details, r);
  }
  return r;
}

proto::TlbSnapshot tlb_snapshot(const vmm::TlbDump& dump, mmu::EventSeq after_seq) {
  proto::TlbSnapshot s;
  s.set_after_seq(after_seq);
  s.set_mark(dump.mark);
  s.set_vcpu(dump.vcpu);
  s.set_value(dump.value);
  for (std::size_t v = 0; v < dump.entries.size(); ++v) {
    proto::VcpuTlb* tlb = s.add_tlbs();
    tlb->set_vcpu(static_cast<std::uint32_t>(v));
    if (v < dump.guest_roots.size()) tlb->set_guest_root(dump.guest_roots[v].value());
    for (const mmu::TlbEntry& e : dump.entries[v]) *tlb->add_entries() = entry_record(e);
  }
  return s;
}

}  // namespace shadowtlb::trace
