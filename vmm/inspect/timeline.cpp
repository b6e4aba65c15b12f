// Laying records out in per-vCPU columns, cells cut to the terminal's width.
#include "vmm/inspect/timeline.h"

#include <fmt/format.h>

#include <algorithm>

#include "vmm/inspect/record_text.h"

namespace shadowtlb::inspect {
namespace {

constexpr std::size_t kMinCell = 8;
constexpr std::string_view kSeparator = " | ";

bool continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

std::string pad(const std::string& text, std::size_t width) {
  const std::size_t w = display_width(text);
  return w >= width ? text : text + std::string(width - w, ' ');
}

void trim_right(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

}  // namespace

std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return !continuation(static_cast<unsigned char>(c)); }));
}

std::string fit(const std::string& text, std::size_t width) {
  if (display_width(text) <= width) return text;
  if (width == 0) return "";
  // Keep width-1 code points, then the ellipsis.
  std::size_t kept = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    std::size_t next = end + 1;
    while (next < text.size() && continuation(static_cast<unsigned char>(text[next]))) ++next;
    if (kept + 1 > width - 1) break;
    ++kept;
    end = next;
  }
  return text.substr(0, end) + "\u2026";
}

unsigned trace_vcpus(const trace::TraceFile& trace) {
  unsigned n = trace.header.vcpus();
  for (const proto::TraceRecord& r : trace.records) n = std::max(n, r.vcpu() + 1);
  return std::max(n, 1u);
}

std::string trace_summary(const trace::TraceFile& trace) {
  const proto::TraceHeader& h = trace.header;
  std::string text = fmt::format("{}: {} vCPU{}", h.image().empty() ? "(no image)" : h.image(),
                                 h.vcpus(), h.vcpus() == 1 ? "" : "s");
  if (!h.tlb_mode().empty()) text += fmt::format(", tlb {}", h.tlb_mode());
  if (!h.enforce().empty() && h.enforce() != "none") text += fmt::format(", enforce {}", h.enforce());
  if (!h.schedule_mode().empty()) text += fmt::format(", schedule {}", h.schedule_mode());
  if (!h.cmdline().empty()) text += fmt::format(", cmdline \"{}\"", h.cmdline());
  text += fmt::format("; {} records", trace.records.size());
  if (trace.footer) {
    text += fmt::format("; result {} (exit {})", trace.footer->result(), trace.footer->exit_code());
  } else {
    text += "; no footer (truncated)";
  }
  return text;
}

std::string format_timeline(const trace::TraceFile& trace, const std::vector<std::size_t>& selected,
                            const TimelineLayout& layout) {
  std::vector<unsigned> columns = layout.columns;
  if (columns.empty())
    for (unsigned v = 0; v < trace_vcpus(trace); ++v) columns.push_back(v);

  const std::size_t last = trace.records.empty() ? 0 : trace.records.size() - 1;
  const std::size_t number_width = std::max<std::size_t>(5, fmt::formatted_size("{}", last));
  const std::size_t fixed = number_width + 2 + (columns.size() - 1) * kSeparator.size();
  const std::size_t room = layout.width > fixed ? layout.width - fixed : 0;
  const std::size_t cell = std::max(kMinCell, room / columns.size());

  auto row = [&](const std::string& number, const std::vector<std::string>& cells) {
    std::string line = fmt::format("{:>{}}  ", number, number_width);
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c != 0) line += kSeparator;
      line += pad(fit(cells[c], cell), cell);
    }
    trim_right(line);
    return line + "\n";
  };

  std::vector<std::string> heading;
  for (unsigned v : columns) heading.push_back(fmt::format("vCPU {}", v));
  std::string out = row("EVENT", heading);
  for (std::size_t index : selected) {
    const proto::TraceRecord& r = trace.records.at(index);
    std::vector<std::string> cells(columns.size());
    const auto column = std::find(columns.begin(), columns.end(), r.vcpu());
    if (column == columns.end()) continue;  // a vCPU without a column: filtered out
    cells[static_cast<std::size_t>(column - columns.begin())] = record_line(r);
    out += row(fmt::format("{}", index), cells);
  }
  return out;
}

}  // namespace shadowtlb::inspect
