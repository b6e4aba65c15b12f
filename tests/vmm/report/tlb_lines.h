// Every step's TLBs from the trace reader, in the text form the report page's #dump-tlbs hook prints.
#pragma once

#include <string>
#include <vector>

#include "vmm/trace/trace_reader.h"

namespace shadowtlb::test {

// One line a record: "index|vCPU 0's entries|vCPU 1's entries...", each entry
// "va/page_size" in hex, plus "/dirty" and "/stale" when set, joined by ','.
[[nodiscard]] std::vector<std::string> tlb_lines(const trace::TraceFile& trace);

}  // namespace shadowtlb::test
