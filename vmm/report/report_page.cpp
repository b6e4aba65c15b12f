// Filling the page template (vmm/report/assets/report.html) with the style, the script and the trace.
#include "vmm/report/report_page.h"

#include <fmt/format.h>

#include <array>
#include <stdexcept>
#include <utility>

#include "vmm/report/report_assets.h"
#include "vmm/report/report_data.h"
#include "vmm/report/script_embedding.h"

namespace shadowtlb::report {
namespace {

// Replaces each placeholder of the template once, scanning only the template:
// text put in (the trace's strings, the script) is never searched again.
std::string fill(std::string_view page, const std::array<std::pair<std::string_view, std::string>, 4>& values) {
  std::string out;
  out.reserve(page.size() + values[2].second.size() + values[3].second.size() + 4096);
  std::size_t pos = 0;
  while (pos < page.size()) {
    const std::size_t at = page.find('@', pos);
    if (at == std::string_view::npos) break;
    bool replaced = false;
    for (const auto& [name, value] : values) {
      if (page.substr(at).starts_with(name)) {
        out.append(page.substr(pos, at - pos));
        out += value;
        pos = at + name.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out.append(page.substr(pos, at + 1 - pos));
      pos = at + 1;
    }
  }
  out.append(page.substr(std::min(pos, page.size())));
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_report(const trace::TraceFile& trace, std::string_view source) {
  // A style sheet or script that closed its own element would break the page;
  // the assets are ours, so this is a build mistake, caught by the unit test.
  if (assets::tlb_replay_js().find("</script") != std::string_view::npos ||
      assets::report_js().find("</script") != std::string_view::npos ||
      assets::report_css().find("</style") != std::string_view::npos)
    throw std::logic_error("report assets close their own element");
  const std::string image = trace.header.image().empty() ? std::string(source) : trace.header.image();
  const std::string title = fmt::format("shadowtlb report: {}", image);
  return fill(assets::report_html(),
              {{{"@TITLE@", html_escape(title)},
                {"@STYLE@", std::string(assets::report_css())},
                {"@DATA@", json_for_script(report_data(trace, source))},
                {"@SCRIPT@", fmt::format("{}\n{}", assets::tlb_replay_js(), assets::report_js())}}});
}

}  // namespace shadowtlb::report
