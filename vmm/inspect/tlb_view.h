// `inspect --tlb --at N`: every vCPU's TLB just after event N, stale entries
// marked, and for each stale entry what the guest page tables say by then as
// far as the trace shows it (the last write to the entry's paging entry, and
// a paging entry that maps its frame now).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vmm/trace/trace_reader.h"

namespace shadowtlb::inspect {

// A paging entry's value as last written (PTE_WRITE, AD_UPDATE) at or before the view's event.
struct PteState {
  std::size_t event = 0;   // the write's record index
  std::uint64_t address = 0;
  std::uint64_t value = 0;
};

struct TlbViewEntry {
  proto::TlbEntryRecord entry;
  std::optional<std::size_t> filled_event;  // the fill (or dirty upgrade)
  std::optional<std::size_t> stale_event;   // the page-table write that made it stale
  std::optional<PteState> pte_now;          // stale: its own leaf entry, last written
  std::optional<PteState> frame_now;        // stale: another paging entry mapping its frame now
};

struct TlbView {
  std::size_t at = 0;                                // record index
  std::vector<std::vector<TlbViewEntry>> vcpus;      // by vCPU, entries sorted by va
};

// Throws std::out_of_range for an event the trace does not have.
[[nodiscard]] TlbView tlb_view(const trace::TraceFile& trace, std::size_t at);

[[nodiscard]] std::string format_tlb_view(const trace::TraceFile& trace, const TlbView& view);

// The frame a paging entry value points at (bits 51:12), when present (P set).
[[nodiscard]] std::optional<std::uint64_t> pte_frame(std::uint64_t value);

}  // namespace shadowtlb::inspect
