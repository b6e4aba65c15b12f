// The self-contained HTML report of a trace: template + style + script + the trace as JSON.
#pragma once

#include <string>
#include <string_view>

#include "vmm/trace/trace_reader.h"

namespace shadowtlb::report {

// One HTML document with everything inline (no network: no external script,
// style sheet, font or image). `source` names the trace file in the page.
[[nodiscard]] std::string render_report(const trace::TraceFile& trace, std::string_view source);

// "&lt;" and friends: text for an HTML element or a quoted attribute.
[[nodiscard]] std::string html_escape(std::string_view text);

}  // namespace shadowtlb::report
