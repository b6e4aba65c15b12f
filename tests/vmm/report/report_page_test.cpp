// The page is one self-contained file: everything inline, nothing fetched, the trace embedded safely.
#include "vmm/report/report_page.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "vmm/report/report_assets.h"
#include "vmm/report/report_dom.h"
#include "vmm/report/seed_trace.h"

namespace shadowtlb::report {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(ReportPage, EveryPlaceholderIsFilledAndTheAssetsAreInline) {
  const std::string page = render_report(test::seed_trace_file(), "t.pb");
  for (const char* placeholder : {"@TITLE@", "@STYLE@", "@DATA@", "@SCRIPT@"})
    EXPECT_EQ(page.find(placeholder), std::string::npos) << placeholder;
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(page.find(assets::report_css()), std::string::npos);
  EXPECT_NE(page.find(assets::tlb_replay_js()), std::string::npos);
  EXPECT_NE(page.find(assets::report_js()), std::string::npos);
  EXPECT_NE(page.find("<title>shadowtlb report: mremap-race</title>"), std::string::npos);
}

TEST(ReportPage, NothingIsFetchedFromTheNetwork) {
  const std::string page = render_report(test::seed_trace_file(), "t.pb");
  // No external script, style sheet, font, image or frame; no URL at all.
  std::string lower(page.size(), ' ');
  std::transform(page.begin(), page.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view needle : {"src=", "src =", "href=", "href =", "<link", "@import", "url(",
                                  "http:", "https:", "//cdn"})
    EXPECT_EQ(lower.find(needle), std::string::npos) << "found '" << needle << "'";
}

TEST(ReportPage, TheTraceSitsInOneJsonScriptElementThatItCannotClose) {
  const std::string page = render_report(test::seed_trace_file(), "t.pb");
  // Two script elements (data, code) and exactly two closing tags: the
  // footer's "</script>" in an explanation line did not end the data early.
  EXPECT_EQ(count(page, "<script"), 2u);
  EXPECT_EQ(count(page, "</script>"), 2u);
  EXPECT_EQ(count(page, "<script type=\"application/json\" id=\"trace-data\">"), 1u);
  EXPECT_NE(page.find("\\u003c/script\\u003e"), std::string::npos);
}

TEST(ReportPage, TitleTextIsEscaped) {
  trace::TraceFile file = test::seed_trace_file();
  file.header.set_image("<b>&\"x\"");
  const std::string page = render_report(file, "t.pb");
  EXPECT_NE(page.find("<title>shadowtlb report: &lt;b&gt;&amp;&quot;x&quot;</title>"), std::string::npos);
  EXPECT_EQ(html_escape("a<'b'>"), "a&lt;&#39;b&#39;&gt;");
}

TEST(ReportPage, AnEmptyTraceStillMakesAPage) {
  trace::TraceFile file;
  file.header.set_vcpus(1);
  file.truncated = true;
  file.problem = "no footer";
  const std::string page = render_report(file, "empty.pb");
  EXPECT_NE(page.find("<title>shadowtlb report: empty.pb</title>"), std::string::npos);
  EXPECT_NE(page.find("\"records\":[]"), std::string::npos);
}

// The browser tests' checks are not vacuous: the page as written, before any
// script ran, has no lanes, no hazard marks and no TLB tables, and fails them.
TEST(ReportPage, TheDomChecksFailOnThePageBeforeItsScriptRan) {
  const std::string page = render_report(test::seed_trace_file(), "t.pb");
  const std::vector<std::string> failures = test::check_seed_report(page, 2, "0x100000000000");
  EXPECT_GE(failures.size(), 6u);
}

}  // namespace
}  // namespace shadowtlb::report
