// Issue 6's report, end to end: a real trace of the seed race, `shadowtlb report`, headless chromium.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/headless_chromium.h"
#include "support/kvm_available.h"
#include "vmm/cli/subprocess.h"
#include "vmm/report/report_dom.h"
#include "vmm/report/tlb_lines.h"
#include "vmm/trace/trace_reader.h"

namespace shadowtlb {
namespace {

using test::run_process;
using test::shadowtlb_binary;

class ReportEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("shadowtlb-report-e2e-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // `shadowtlb run mremap-race --cmdline mremap_flush=after-unlock --trace t.pb`, then the report.
  void make_seed_report() {
    const test::ProcessResult run = run_process(
        shadowtlb_binary(),
        {"run", "mremap-race", "--cmdline", "mremap_flush=after-unlock", "--quiet", "--trace", path("t.pb")},
        300);
    ASSERT_EQ(run.exit_code, 3) << run.err;  // lost_write
    const test::ProcessResult report =
        run_process(shadowtlb_binary(), {"report", path("t.pb"), "-o", path("report.html")});
    ASSERT_EQ(report.exit_code, 0) << report.err;
    ASSERT_TRUE(std::filesystem::exists(path("report.html")));
  }

  std::filesystem::path dir_;
};

TEST_F(ReportEndToEndTest, SeedRaceReportShowsSwimlanesTheHazardAndTheStaleEntry) {
  SHADOWTLB_REQUIRE_KVM();
  SHADOWTLB_REQUIRE_CHROMIUM(chromium);
  ASSERT_NO_FATAL_FAILURE(make_seed_report());
  const test::BrowserResult page = test::dump_dom(chromium, test::file_url(path("report.html")));
  ASSERT_EQ(page.exit_code, 0) << page.errors;
  for (const std::string& failure : test::check_seed_report(page.dom, 2, "0x100000000000"))
    ADD_FAILURE() << failure;
}

TEST_F(ReportEndToEndTest, TheScriptRebuildsEveryStepsTlbsAsTheReaderDoes) {
  SHADOWTLB_REQUIRE_KVM();
  SHADOWTLB_REQUIRE_CHROMIUM(chromium);
  ASSERT_NO_FATAL_FAILURE(make_seed_report());
  const test::BrowserResult page =
      test::dump_dom(chromium, test::file_url(path("report.html")) + "#dump-tlbs", 300);
  ASSERT_EQ(page.exit_code, 0) << page.errors;
  const std::optional<std::string> dump = test::text_of_id(page.dom, "tlb-dump");
  ASSERT_TRUE(dump.has_value()) << "no <pre id=\"tlb-dump\">";
  const std::vector<std::string> expected = test::tlb_lines(trace::read_trace(path("t.pb")));
  std::vector<std::string> got;
  std::istringstream lines(*dump);
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  ASSERT_EQ(got.size(), expected.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < got.size() && mismatches < 5; ++i) {
    if (got[i] != expected[i]) {
      ++mismatches;
      ADD_FAILURE() << "step " << i << ":\n page:   " << got[i] << "\n reader: " << expected[i];
    }
  }
}

}  // namespace
}  // namespace shadowtlb
