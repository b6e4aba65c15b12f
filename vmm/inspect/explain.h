// `inspect --explain`: the hazard chain behind each HAZARD record, told from
// the records the trace holds, in the order the race ran:
//
//   fill (vCPU 0) ─► page-table write (vCPU 1) ─► entry stale ─► write through it (vCPU 0)
//                                                              ─► HAZARD ─► flush, too late
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "vmm/trace/trace_reader.h"

namespace shadowtlb::inspect {

// Record indices; nullopt where the trace does not hold that part.
struct HazardChain {
  std::size_t hazard = 0;                  // the HAZARD record
  proto::TlbEntryRecord entry;             // the TLB entry at fault, as the hazard saw it
  std::optional<std::size_t> write;        // the STALE_WRITE (write_event)
  std::optional<std::size_t> fill;         // the entry's fill or dirty upgrade (filled_at)
  std::optional<std::size_t> stale;        // the STALE record that marked the entry
  std::optional<std::size_t> pte_write;    // the page-table write that made it stale (stale_since)
  std::optional<std::size_t> remap;        // a later page-table write mapping the entry's frame
                                           // elsewhere (mremap's new PTE)
  std::optional<std::size_t> removal;      // the record that took the entry out of the TLB
  bool removal_named = false;              // removal is the hazard's removed_at (else found by scan)
  std::optional<std::size_t> flush_mark;   // the remover's "flush_tlb" mark before the removal
  std::optional<std::size_t> cause;        // the hazard record's cause (page_freed, ...)
  std::optional<std::size_t> freed;        // a write's frame freed under the entry before it:
                                           // that freed_frame_reachable HAZARD (thp-race)
};

// One chain per HAZARD record, in trace order.
[[nodiscard]] std::vector<HazardChain> hazard_chains(const trace::TraceFile& trace);

// The record that removed `entry` from `vcpu`'s TLB first after records[after]
// (a flush or shootdown over its range, a CR3 load for a non-global entry, an
// eviction, enforcement or fault on it).
[[nodiscard]] std::optional<std::size_t> find_removal(const trace::TraceFile& trace, unsigned vcpu,
                                                      const proto::TlbEntryRecord& entry,
                                                      std::size_t after);

// Lines for one chain: a heading, then "the write:", "the entry:", "made stale by:",
// "moved to:" (when the frame was mapped elsewhere), "too late:", "freed
// frame:" (when the written frame had been freed), and "cause:" for hazards
// without a write.
[[nodiscard]] std::vector<std::string> explain_chain(const trace::TraceFile& trace,
                                                     const HazardChain& chain);

// Two chains tell the same story (and --explain tells it once): the same kind
// of hazard on the same entry, fill, write, page-table write and removal —
// thp-race's hundreds of freed_frame_reachable, one per 4 KiB frame of the
// 2 MiB page.
[[nodiscard]] bool same_story(const trace::TraceFile& trace, const HazardChain& a, const HazardChain& b);

// Rewrites the first chain's lines for a group of same-story chains: the
// heading lists their events (the first few and the last), a cause line says
// how many more there are.
void retell_as_group(const trace::TraceFile& trace, const std::vector<const HazardChain*>& group,
                     std::vector<std::string>& lines);

// The whole --explain text: a count of hazards by kind, every chain (same
// stories once), then the footer's verdict and the run's own explanation lines.
[[nodiscard]] std::string format_explanation(const trace::TraceFile& trace,
                                             const std::vector<HazardChain>& chains);

}  // namespace shadowtlb::inspect
