// The trace as the report page's JavaScript reads it: one JSON object (docs/report.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "vmm/trace/trace_reader.h"

namespace shadowtlb::report {

// Fields keep the order they are written in, for people reading the page's source.
using Json = nlohmann::ordered_json;

// {"format", "source", "truncated", "problem", "header", "records", "snapshots",
// "footer"}. Records and TLB entries use proto/trace.proto's field names and
// leave out fields that are zero, false or empty; record kinds are the enum's
// names in lower case ("pte_write"). 64-bit addresses and values are hex
// strings ("0x100000000000"), since JavaScript numbers are doubles; sequence
// numbers, vCPUs and times stay numbers. `footer` is null for a trace cut short.
[[nodiscard]] Json report_data(const trace::TraceFile& trace, std::string_view source);

[[nodiscard]] Json record_json(const proto::TraceRecord& record);
[[nodiscard]] Json tlb_entry_json(const proto::TlbEntryRecord& entry);

// "pte_write" for PTE_WRITE; "unknown" for a value the schema does not name.
[[nodiscard]] std::string record_kind_name(proto::RecordKind kind);

}  // namespace shadowtlb::report
