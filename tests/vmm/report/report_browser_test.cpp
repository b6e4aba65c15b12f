// The report of a hand-made seed-race trace, rendered by headless chromium: swimlanes, hazard, TLBs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/headless_chromium.h"
#include "vmm/report/report_dom.h"
#include "vmm/report/report_page.h"
#include "vmm/report/seed_trace.h"
#include "vmm/report/tlb_lines.h"
#include "vmm/trace/trace_reader.h"

namespace shadowtlb {
namespace {

class ReportBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("shadowtlb-report-browser-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    test::write_trace_file(dir_ / "t.pb", test::seed_trace_items());
    trace_ = trace::read_trace(dir_ / "t.pb");
    std::ofstream(dir_ / "report.html", std::ios::binary) << report::render_report(trace_, "t.pb");
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string url(const std::string& fragment = "") const {
    return test::file_url((dir_ / "report.html").string()) + fragment;
  }

  std::filesystem::path dir_;
  trace::TraceFile trace_;
};

TEST_F(ReportBrowserTest, ShowsSwimlanesTheHazardAndTheStaleEntry) {
  SHADOWTLB_REQUIRE_CHROMIUM(chromium);
  const test::BrowserResult page = test::dump_dom(chromium, url());
  ASSERT_EQ(page.exit_code, 0) << page.errors;
  for (const std::string& failure : test::check_seed_report(page.dom, 2, "0x100000000000"))
    ADD_FAILURE() << failure;
  // On load the first hazard's step is selected.
  const std::vector<std::string> body = test::start_tags(page.dom, "body");
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(test::attribute(body[0], "data-selected-step"), std::to_string(test::kSeedFirstHazard));
  // The selected event's instruction, with its bytes.
  const std::optional<std::string> insn = test::text_of_id(page.dom, "instruction");
  ASSERT_TRUE(insn.has_value());
  EXPECT_NE(insn->find("mov dword ptr [rax], 2"), std::string::npos) << *insn;
  // The header names the image, the vCPUs and the result.
  const std::optional<std::string> meta = test::text_of_id(page.dom, "run-meta");
  ASSERT_TRUE(meta.has_value());
  EXPECT_NE(meta->find("mremap-race"), std::string::npos) << *meta;
  EXPECT_NE(meta->find("mremap_flush=after-unlock"), std::string::npos) << *meta;
  EXPECT_NE(meta->find("lost_write (exit 3)"), std::string::npos) << *meta;
}

TEST_F(ReportBrowserTest, AStepInTheAddressIsSelectedAndItsTlbsShown) {
  SHADOWTLB_REQUIRE_CHROMIUM(chromium);
  // Step 21 is the late shootdown: vCPU 0's entry for X is gone.
  const test::BrowserResult page = test::dump_dom(chromium, url("#step=21"));
  ASSERT_EQ(page.exit_code, 0) << page.errors;
  const std::vector<std::string> body = test::start_tags(page.dom, "body");
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(test::attribute(body[0], "data-selected-step"), "21");
  const std::string tlb0 = test::between(page.dom, "<div class=\"tlb-vcpu\" data-vcpu=\"0\"", "</div>");
  EXPECT_NE(tlb0.find("empty"), std::string::npos) << tlb0;
}

TEST_F(ReportBrowserTest, TheScriptRebuildsEveryStepsTlbsAsTheReaderDoes) {
  SHADOWTLB_REQUIRE_CHROMIUM(chromium);
  const test::BrowserResult page = test::dump_dom(chromium, url("#dump-tlbs"));
  ASSERT_EQ(page.exit_code, 0) << page.errors;
  const std::optional<std::string> dump = test::text_of_id(page.dom, "tlb-dump");
  ASSERT_TRUE(dump.has_value()) << "no <pre id=\"tlb-dump\">";
  const std::vector<std::string> expected = test::tlb_lines(trace_);
  std::vector<std::string> got;
  std::istringstream lines(*dump);
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], expected[i]) << "step " << i;
}

}  // namespace
}  // namespace shadowtlb
