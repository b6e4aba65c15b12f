// `inspect --json`: the filtered records, the TLB view or the explanation as
// one JSON object for scripts (docs/inspect.md lists the fields). Addresses
// and 64-bit values are hex strings, as in `run --json`.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vmm/inspect/explain.h"
#include "vmm/inspect/tlb_view.h"
#include "vmm/trace/trace_reader.h"

namespace shadowtlb::inspect {

using Json = nlohmann::ordered_json;

// The header, the footer and whether the trace was cut short.
[[nodiscard]] Json trace_json(const trace::TraceFile& trace);

// One record: "event" (its index), "seq", "kind", "vcpu", "time_ns", "text",
// then only the fields that apply to it.
[[nodiscard]] Json record_json(const trace::TraceFile& trace, std::size_t index);

[[nodiscard]] Json entry_json(const trace::TraceFile& trace, const proto::TlbEntryRecord& entry);

// {"trace": ..., "records": [...]}
[[nodiscard]] Json records_json(const trace::TraceFile& trace, const std::vector<std::size_t>& selected);

// {"trace": ..., "at": ..., "tlbs": [{"vcpu", "entries": [...]}]}
[[nodiscard]] Json tlb_view_json(const trace::TraceFile& trace, const TlbView& view);

// {"trace": ..., "hazards": [...], "verdict": ...}
[[nodiscard]] Json explanation_json(const trace::TraceFile& trace, const std::vector<HazardChain>& chains);

// Indented, newline-terminated; invalid UTF-8 from the guest is replaced.
[[nodiscard]] std::string dump_json(const Json& json);

}  // namespace shadowtlb::inspect
