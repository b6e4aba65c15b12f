// The `report` subcommand: read a trace, render the page, write it.
#include "vmm/cli/report_command.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "vmm/cli/error_exit.h"
#include "vmm/cli/exit_codes.h"
#include "vmm/report/report_page.h"
#include "vmm/trace/trace_reader.h"

namespace shadowtlb::vmm::cli {
namespace {

// Writes through a temporary file and a rename, so a reader never sees half a page.
void write_page(const std::string& path, const std::string& page) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", temporary, std::strerror(errno)));
    out.write(page.data(), static_cast<std::streamsize>(page.size()));
    out.close();
    if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", temporary, std::strerror(errno)));
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary);
    throw std::runtime_error(fmt::format("cannot write '{}': {}", path, error.message()));
  }
}

std::string outcome_of(const trace::TraceFile& trace) {
  if (!trace.footer) return "cut short";
  return trace.footer->verdict().empty() ? trace.footer->result() : trace.footer->verdict();
}

}  // namespace

std::string default_report_path(const std::string& trace) {
  std::filesystem::path path(trace);
  path.replace_extension(".html");
  return path.string();
}

CLI::App* add_report_command(CLI::App& app, ReportOptions& options) {
  CLI::App* report = app.add_subcommand(
      "report", "Write a trace (run --trace) as one self-contained HTML page");
  report->add_option("FILE", options.trace, "The trace file")->required();
  report->add_option("-o,--output", options.output,
                     "The page to write (default: FILE with .html; '-': standard output)");
  return report;
}

int report_command(const ReportOptions& options) {
  const std::string output = options.output.empty() ? default_report_path(options.trace) : options.output;
  if (output != "-" && std::filesystem::path(output) == std::filesystem::path(options.trace)) {
    print_error(fmt::format("report: '{}' is the trace itself; name another page with -o", output));
    return kExitUsage;
  }
  trace::TraceFile trace;
  try {
    trace = trace::read_trace(options.trace);
  } catch (const trace::TraceError& error) {
    print_error(error.what());
    return kExitUsage;
  } catch (const std::exception& error) {
    const ErrorExit exit = describe_error(error);
    print_error(exit.message);
    return exit.code;
  }
  if (trace.truncated) {
    fmt::print(stderr, "shadowtlb: warning: {}: {}; the report shows the {} records read\n",
               options.trace, one_line(trace.problem), trace.records.size());
  }
  try {
    const std::string page = report::render_report(trace, std::filesystem::path(options.trace).filename().string());
    if (output == "-") {
      std::fwrite(page.data(), 1, page.size(), stdout);
      std::fflush(stdout);
    } else {
      write_page(output, page);
      fmt::print(stderr, "shadowtlb: report: {} ({} records, {} vCPUs, {})\n", output,
                 trace.records.size(), trace.header.vcpus(), outcome_of(trace));
    }
    return kExitOk;
  } catch (const std::exception& error) {
    print_error(one_line(error.what()));
    return kExitVmFailed;  // a host failure: the page could not be written
  }
}

}  // namespace shadowtlb::vmm::cli
