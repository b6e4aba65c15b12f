// Which records `shadowtlb inspect` shows: --vcpu, --va, --kind, --from/--to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "vmm/trace/trace_reader.h"

namespace shadowtlb::inspect {

// Empty fields select everything. Event numbers are record indices (inclusive).
struct RecordFilter {
  std::vector<unsigned> vcpus;          // any of these vCPUs
  std::optional<std::uint64_t> va;      // records about this address (see touches_va)
  std::vector<proto::RecordKind> kinds; // any of these kinds
  std::optional<std::size_t> from;
  std::optional<std::size_t> to;
};

// The indices of the records the filter keeps, in order.
[[nodiscard]] std::vector<std::size_t> select_records(const trace::TraceFile& trace,
                                                      const RecordFilter& filter);

// The record is about `va`: its gva lies in va's 4 KiB page, or its entry
// (a 2 MiB one, say) covers va, or it is a flush whose range covers va, or a
// paging-entry access (PTE_READ/PTE_WRITE/AD_UPDATE) to the leaf entry some
// TLB entry for va was filled from (`leaf_ptes`, from leaf_ptes_for).
[[nodiscard]] bool touches_va(const proto::TraceRecord& record, std::uint64_t va,
                              const std::vector<std::uint64_t>& leaf_ptes);

// The paging-entry addresses of every TLB entry in the trace (records and
// snapshots) that covers `va`, sorted and unique.
[[nodiscard]] std::vector<std::uint64_t> leaf_ptes_for(const trace::TraceFile& trace,
                                                       std::uint64_t va);

// The address range a flush record covers as [begin, end); the whole space
// for "all". For FLUSH_LOCAL, FLUSH_REMOTE, SHOOTDOWN_ACK.
struct VaRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  [[nodiscard]] bool contains(std::uint64_t a) const { return a >= begin && a < end; }
  [[nodiscard]] bool overlaps(std::uint64_t b, std::uint64_t e) const { return b < end && begin < e; }
};
[[nodiscard]] VaRange flush_range(const proto::TraceRecord& record);

}  // namespace shadowtlb::inspect
