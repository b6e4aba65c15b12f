// The `inspect` subcommand: check the options, read the trace (warning when
// it was cut short), then print one view of it or write the Chrome export.
#include "vmm/cli/inspect_command.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "vmm/cli/error_exit.h"
#include "vmm/cli/exit_codes.h"
#include "vmm/inspect/chrome_trace.h"
#include "vmm/inspect/event_ref.h"
#include "vmm/inspect/explain.h"
#include "vmm/inspect/filters.h"
#include "vmm/inspect/inspect_json.h"
#include "vmm/inspect/record_text.h"
#include "vmm/inspect/timeline.h"
#include "vmm/inspect/tlb_view.h"

namespace shadowtlb::vmm::cli {
namespace {

using namespace shadowtlb::inspect;

constexpr std::size_t kDefaultWidth = 120;
constexpr std::size_t kMinWidth = 40;
constexpr std::size_t kMaxWidth = 1000;

// A usage error of `inspect`: exit 1, one line.
class InspectUsage : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

std::uint64_t parse_address(const std::string& text) {
  std::string_view digits(text);
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
    base = 16;
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size())
    throw InspectUsage(fmt::format("--va '{}': not an address (write hex with 0x, e.g. 0x100000000000)", text));
  return value;
}

std::vector<proto::RecordKind> parse_kinds(const std::vector<std::string>& names) {
  std::vector<proto::RecordKind> kinds;
  for (const std::string& name : names) {
    const auto kind = kind_from_name(name);
    if (!kind) {
      std::string known;
      for (const std::string& k : all_kind_names()) known += (known.empty() ? "" : ", ") + k;
      throw InspectUsage(fmt::format("--kind '{}': not a record kind (one of {})", name, known));
    }
    kinds.push_back(*kind);
  }
  return kinds;
}

std::size_t terminal_width() {
  winsize size{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return std::clamp<std::size_t>(size.ws_col, kMinWidth, kMaxWidth);
  if (const char* columns = std::getenv("COLUMNS")) {
    std::size_t value = 0;
    const std::string_view text(columns);
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size() && value > 0)
      return std::clamp<std::size_t>(value, kMinWidth, kMaxWidth);
  }
  return kDefaultWidth;
}

// Checks that need no trace.
void check_options(const InspectOptions& o) {
  if (o.tlb && o.at.empty()) throw InspectUsage("--tlb needs --at EVENT: which event to show the TLBs at");
  if (!o.at.empty() && !o.tlb) throw InspectUsage("--at goes with --tlb (write --tlb --at EVENT)");
  if (o.tlb && o.explain) throw InspectUsage("--tlb and --explain are two views: pick one");
  if (!o.chrome.empty() && (o.tlb || o.explain || o.json))
    throw InspectUsage("--chrome writes the (filtered) records to a file: not with --tlb, --explain or --json");
  if (o.width != 0 && (o.width < kMinWidth || o.width > kMaxWidth))
    throw InspectUsage(fmt::format("--width {}: must be between {} and {}", o.width, kMinWidth, kMaxWidth));
}

std::size_t event_option(const trace::TraceFile& trace, std::string_view option, const std::string& spec) {
  try {
    return resolve_event(trace, spec);
  } catch (const std::invalid_argument& error) {
    throw InspectUsage(fmt::format("{} {}", option, error.what()));
  }
}

RecordFilter make_filter(const InspectOptions& o, const trace::TraceFile& trace) {
  RecordFilter filter;
  const unsigned vcpus = trace_vcpus(trace);
  for (unsigned v : o.vcpus) {
    if (v >= vcpus)
      throw InspectUsage(fmt::format("--vcpu {}: the trace has {} vCPU{} (0 to {})", v, vcpus,
                                     vcpus == 1 ? "" : "s", vcpus - 1));
    if (std::find(filter.vcpus.begin(), filter.vcpus.end(), v) == filter.vcpus.end())
      filter.vcpus.push_back(v);
  }
  std::sort(filter.vcpus.begin(), filter.vcpus.end());
  if (!o.va.empty()) filter.va = parse_address(o.va);
  filter.kinds = parse_kinds(o.kinds);
  if (!o.from.empty()) filter.from = event_option(trace, "--from", o.from);
  if (!o.to.empty()) filter.to = event_option(trace, "--to", o.to);
  if (filter.from && filter.to && *filter.from > *filter.to)
    throw InspectUsage(fmt::format("--from {} comes after --to {}", *filter.from, *filter.to));
  return filter;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", path));
}

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

int show_timeline(const InspectOptions& o, const trace::TraceFile& trace, const RecordFilter& filter) {
  const std::vector<std::size_t> selected = select_records(trace, filter);
  if (o.json) {
    print(dump_json(records_json(trace, selected)));
    return kExitOk;
  }
  TimelineLayout layout;
  layout.width = o.width != 0 ? o.width : terminal_width();
  layout.columns = filter.vcpus;
  std::string out = trace_summary(trace) + "\n";
  out += format_timeline(trace, selected, layout);
  if (selected.size() != trace.records.size())
    out += fmt::format("({} of {} records shown)\n", selected.size(), trace.records.size());
  print(out);
  return kExitOk;
}

int show_tlbs(const InspectOptions& o, const trace::TraceFile& trace) {
  const TlbView view = tlb_view(trace, event_option(trace, "--at", o.at));
  print(o.json ? dump_json(tlb_view_json(trace, view)) : format_tlb_view(trace, view));
  return kExitOk;
}

int show_explanation(const InspectOptions& o, const trace::TraceFile& trace) {
  const std::vector<HazardChain> chains = hazard_chains(trace);
  print(o.json ? dump_json(explanation_json(trace, chains)) : format_explanation(trace, chains));
  return kExitOk;
}

int export_chrome(const InspectOptions& o, const trace::TraceFile& trace, const RecordFilter& filter) {
  const std::vector<std::size_t> selected = select_records(trace, filter);
  const Json json = chrome_trace(trace, selected);
  try {
    write_file(o.chrome, json.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
  } catch (const std::exception& error) {
    print_error(one_line(error.what()));
    return kExitVmFailed;  // a host failure, as for run --record
  }
  fmt::print(stderr, "shadowtlb: inspect: {} ({} records as {} trace events; open it in ui.perfetto.dev)\n",
             o.chrome, selected.size(), json["traceEvents"].size());
  return kExitOk;
}

void warn_about(const InspectOptions& o, const trace::TraceFile& trace) {
  if (trace.truncated) {
    fmt::print(stderr, "shadowtlb: warning: {}: trace truncated after {} records: {}\n", o.trace,
               trace.records.size(), one_line(trace.problem));
  } else if (!trace.problem.empty()) {
    fmt::print(stderr, "shadowtlb: warning: {}: {}\n", o.trace, one_line(trace.problem));
  }
}

}  // namespace

CLI::App* add_inspect_command(CLI::App& app, InspectOptions& options) {
  CLI::App* inspect = app.add_subcommand(
      "inspect", "Show a trace (run --trace) in the terminal: timeline, TLBs, hazard chains");
  inspect->footer(
      "EVENT numbers are record indices in the trace (0 = the first record), as the timeline's\n"
      "first column shows them; --at, --from and --to also take a mark name (its first record).\n"
      "Views: the timeline (default), --tlb --at EVENT, --explain; each as JSON with --json.\n"
      "Examples:\n"
      "  shadowtlb inspect t.pb --vcpu 0 --kind stale_write,hazard\n"
      "  shadowtlb inspect t.pb --va 0x100000000000 --from race.begin\n"
      "  shadowtlb inspect t.pb --tlb --at race.t1.wrote_2\n"
      "  shadowtlb inspect t.pb --explain\n"
      "  shadowtlb inspect t.pb --chrome t.json   # open in ui.perfetto.dev or chrome://tracing\n"
      "See docs/inspect.md.");
  inspect->add_option("FILE", options.trace, "The trace file (written by run --trace)")->required();
  inspect->add_option("--vcpu", options.vcpus, "Only this vCPU's records (repeatable)")
      ->take_all()
      ->allow_extra_args(false)
      ->delimiter(',');
  inspect->add_option("--va", options.va,
                      "Only records about this guest-virtual address: its 4 KiB page, a large "
                      "entry covering it, flushes over it, writes to its paging entry");
  inspect->add_option("--kind", options.kinds,
                      "Only records of this kind (repeatable or comma-separated): tlb_fill, "
                      "pte_write, pte_read, stale, stale_write, hazard, flush_local, flush_remote, "
                      "shootdown_ack, mark, hypercall, cr3_load, evict, ...")
      ->take_all()
      ->allow_extra_args(false)
      ->delimiter(',');
  inspect->add_option("--from", options.from, "First EVENT to show (index or mark name)");
  inspect->add_option("--to", options.to, "Last EVENT to show (inclusive)");
  inspect->add_flag("--tlb", options.tlb,
                    "Print every vCPU's TLB just after --at EVENT, stale entries marked with what "
                    "the page tables say by then");
  inspect->add_option("--at", options.at, "The EVENT for --tlb (index or mark name)");
  inspect->add_flag("--explain", options.explain,
                    "The hazard chain of each HAZARD: the write, the stale entry and its fill, the "
                    "page-table write that made it stale, the flush that came too late; then the verdict");
  inspect->add_flag("--json", options.json, "Print the view as one JSON object");
  inspect->add_option("--width", options.width,
                      "Timeline width in columns, 40..1000 (default: the terminal's, else 120)");
  inspect->add_option("--chrome", options.chrome,
                      "Write the (filtered) records as Chrome trace-event JSON to this file, for "
                      "Perfetto or chrome://tracing");
  return inspect;
}

int inspect_command(const InspectOptions& options) {
  try {
    check_options(options);
    const trace::TraceFile trace = trace::read_trace(options.trace);
    warn_about(options, trace);
    const RecordFilter filter = make_filter(options, trace);
    if (!options.chrome.empty()) return export_chrome(options, trace, filter);
    if (options.tlb) return show_tlbs(options, trace);
    if (options.explain) return show_explanation(options, trace);
    return show_timeline(options, trace, filter);
  } catch (const InspectUsage& error) {
    print_error(one_line(error.what()));
    return kExitUsage;
  } catch (const trace::TraceError& error) {
    print_error(one_line(error.what()));
    return kExitUsage;
  } catch (const std::exception& error) {
    print_error(one_line(error.what()));
    return kExitVmFailed;
  }
}

}  // namespace shadowtlb::vmm::cli
