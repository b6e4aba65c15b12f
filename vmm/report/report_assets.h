// The report page's template, style sheet and script, compiled into the binary
// from vmm/report/assets/ (cmake/EmbedText.cmake), so `shadowtlb report` needs no data files.
#pragma once

#include <string_view>

namespace shadowtlb::report::assets {

// report.html: the page, with @TITLE@, @STYLE@, @DATA@ and @SCRIPT@ to fill in.
std::string_view report_html();
std::string_view report_css();
std::string_view tlb_replay_js();  // every vCPU's TLB at a step (makeTlbReplay), used by report.js
std::string_view report_js();

}  // namespace shadowtlb::report::assets
