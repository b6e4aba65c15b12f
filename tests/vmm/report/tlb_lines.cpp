// tlbs_at for every record, as text: what the page's script must reproduce (report.js, #dump-tlbs).
#include "vmm/report/tlb_lines.h"

#include <fmt/format.h>

namespace shadowtlb::test {

std::vector<std::string> tlb_lines(const trace::TraceFile& trace) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < trace.records.size(); ++i) {
    std::string line = std::to_string(i);
    for (const std::vector<proto::TlbEntryRecord>& tlb : trace::tlbs_at(trace, i)) {
      line += '|';
      bool first = true;
      for (const proto::TlbEntryRecord& e : tlb) {
        if (!first) line += ',';
        first = false;
        line += fmt::format("{:#x}/{:#x}{}{}", e.va(), e.page_size(), e.dirty() ? "/dirty" : "",
                            e.stale() ? "/stale" : "");
      }
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace shadowtlb::test
