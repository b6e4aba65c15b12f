// `shadowtlb report FILE [-o OUT]`: write a trace as one self-contained HTML page (docs/report.md).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace shadowtlb::vmm::cli {

struct ReportOptions {
  std::string trace;   // the trace file (`run --trace`)
  std::string output;  // the page; empty: the trace's name with .html; "-": stdout
};

CLI::App* add_report_command(CLI::App& app, ReportOptions& options);

// Reads the trace, writes the page; returns the exit code. Never throws.
[[nodiscard]] int report_command(const ReportOptions& options);

// Where the page goes when -o is not given: "t.pb" -> "t.html", "trace" -> "trace.html".
[[nodiscard]] std::string default_report_path(const std::string& trace);

}  // namespace shadowtlb::vmm::cli
