// The shadow MMU's events and TLB entries as trace records (proto/trace.proto),
// one to one: fill → TLB_FILL, shootdown → FLUSH_REMOTE, fault → GUEST_FAULT, ...
#pragma once

#include "proto/trace.pb.h"
#include "shadow_mmu/events.h"
#include "shadow_mmu/tlb_entry.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::trace {

[[nodiscard]] proto::RecordKind record_kind(mmu::EventKind kind);
[[nodiscard]] proto::TlbEntryRecord entry_record(const mmu::TlbEntry& entry);

// Everything the event says; the instruction at `rip` is the caller's to add.
// `gpa` is the event's pa (a paging entry, a root or an address written);
// `frame` the page frame involved, where there is one.
[[nodiscard]] proto::TraceRecord event_record(const mmu::Event& event);

// Every vCPU's TLB from a dump (Machine's --dump-tlb-at machinery).
[[nodiscard]] proto::TlbSnapshot tlb_snapshot(const vmm::TlbDump& dump, mmu::EventSeq after_seq);

}  // namespace shadowtlb::trace
