// The terminal timeline: one row per record, one column per vCPU, like the
// two-column table of the seed commit (../shared/seed/mremap-race-commit.txt).
//
//   EVENT  vCPU 0                              | vCPU 1
//       5  tlb_fill 0x100000000000 -> 0x234... |
//       7                                      | pte_write [0x7f1000] 0x2345067 -> 0x0  xc...
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "vmm/trace/trace_reader.h"

namespace shadowtlb::inspect {

struct TimelineLayout {
  std::size_t width = 120;         // total line width; cells are truncated to fit
  std::vector<unsigned> columns;   // the vCPUs that get a column, in order
};

// The vCPUs of the trace: 0 .. header.vcpus-1, more if a record names a higher one.
[[nodiscard]] unsigned trace_vcpus(const trace::TraceFile& trace);

// One line about the run: image, vCPUs, TLB mode, records, result.
[[nodiscard]] std::string trace_summary(const trace::TraceFile& trace);

// The heading row and one row per selected record; every line ends in '\n'
// and is at most layout.width columns (counting UTF-8 code points), unless
// there are so many columns that each would be narrower than 8.
[[nodiscard]] std::string format_timeline(const trace::TraceFile& trace,
                                          const std::vector<std::size_t>& selected,
                                          const TimelineLayout& layout);

// `text` cut to `width` code points, its last one replaced by "…" when cut.
[[nodiscard]] std::string fit(const std::string& text, std::size_t width);

// Code points in UTF-8 `text` (what a terminal shows as columns, for our texts).
[[nodiscard]] std::size_t display_width(const std::string& text);

}  // namespace shadowtlb::inspect
