// `inspect --chrome OUT.json`: the trace in Chrome's trace-event format (the
// JSON object form), for Perfetto (ui.perfetto.dev) and chrome://tracing.
//
//   pid 1 "shadowtlb: IMAGE"; tid N "vCPU N"
//   ph "i"  one instant event per record (HAZARD: process-wide), args = the record's fields
//   ph "X"  flush_tlb ... flush_tlb.done marks of a vCPU, and a shootdown from its
//           first FLUSH_REMOTE to the initiator's SHOOTDOWN_ACK
//   ph "M"  process and thread names
#pragma once

#include <cstddef>
#include <vector>

#include "vmm/inspect/inspect_json.h"
#include "vmm/trace/trace_reader.h"

namespace shadowtlb::inspect {

// ts is host_time_ns in microseconds; a trace without host times (all zero)
// gets one microsecond per record instead.
[[nodiscard]] Json chrome_trace(const trace::TraceFile& trace, const std::vector<std::size_t>& selected);

}  // namespace shadowtlb::inspect
