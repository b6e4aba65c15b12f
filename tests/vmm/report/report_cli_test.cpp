// `shadowtlb report` through the binary: where the page goes, and the errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "vmm/cli/subprocess.h"
#include "vmm/report/seed_trace.h"

namespace shadowtlb {
namespace {

using test::run_process;
using test::shadowtlb_binary;

class ReportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("shadowtlb-report-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    test::write_trace_file(path("t.pb"), test::seed_trace_items());
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string slurp(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  std::filesystem::path dir_;
};

TEST_F(ReportCliTest, WritesThePageNamedByDashO) {
  const test::ProcessResult p = run_process(shadowtlb_binary(), {"report", path("t.pb"), "-o", path("r.html")});
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(p.out, "");
  EXPECT_NE(p.err.find("shadowtlb: report: " + path("r.html") + " (26 records, 2 vCPUs, lost_write)"),
            std::string::npos)
      << p.err;
  const std::string page = slurp(path("r.html"));
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(page.find("\"image\":\"mremap-race\""), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path("r.html.tmp")));
}

TEST_F(ReportCliTest, WithoutDashOThePageGoesBesideTheTrace) {
  const test::ProcessResult p = run_process(shadowtlb_binary(), {"report", path("t.pb")});
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(std::filesystem::exists(path("t.html")));
}

TEST_F(ReportCliTest, DashWritesToStandardOutput) {
  const test::ProcessResult p = run_process(shadowtlb_binary(), {"report", path("t.pb"), "-o", "-"});
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(p.out.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(p.out.find("</html>"), std::string::npos);
}

TEST_F(ReportCliTest, AFileThatIsNotATraceIsRejectedInOneLine) {
  std::ofstream(path("notes.txt")) << "hello\n";
  const test::ProcessResult p = run_process(shadowtlb_binary(), {"report", path("notes.txt"), "-o", path("r.html")});
  EXPECT_EQ(p.exit_code, 1);
  EXPECT_EQ(test::count_lines(p.err), 1) << p.err;
  EXPECT_TRUE(p.err.starts_with("shadowtlb: error: ")) << p.err;
  EXPECT_NE(p.err.find("not a shadowtlb trace"), std::string::npos) << p.err;
  EXPECT_FALSE(std::filesystem::exists(path("r.html")));

  const test::ProcessResult missing = run_process(shadowtlb_binary(), {"report", path("none.pb")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(test::count_lines(missing.err), 1) << missing.err;
}

TEST_F(ReportCliTest, ATraceCutShortIsReportedUpToItsLastRecordWithAWarning) {
  std::string bytes = slurp(path("t.pb"));
  bytes.resize(bytes.size() * 2 / 3);
  std::ofstream(path("cut.pb"), std::ios::binary | std::ios::trunc) << bytes;
  const test::ProcessResult p = run_process(shadowtlb_binary(), {"report", path("cut.pb"), "-o", path("cut.html")});
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.err.find("shadowtlb: warning: " + path("cut.pb") + ": "), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("; the report shows the "), std::string::npos) << p.err;
  const std::string page = slurp(path("cut.html"));
  EXPECT_NE(page.find("\"footer\":null"), std::string::npos);
  EXPECT_NE(page.find("\"truncated\":true"), std::string::npos);
}

TEST_F(ReportCliTest, APageThatCannotBeWrittenIsAHostError) {
  const test::ProcessResult p =
      run_process(shadowtlb_binary(), {"report", path("t.pb"), "-o", path("no/such/folder/r.html")});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_EQ(test::count_lines(p.err), 1) << p.err;
  EXPECT_NE(p.err.find("cannot write"), std::string::npos) << p.err;
}

TEST_F(ReportCliTest, HelpAndUsageErrors) {
  const test::ProcessResult help = run_process(shadowtlb_binary(), {"report", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("-o,--output"), std::string::npos) << help.out;
  const test::ProcessResult none = run_process(shadowtlb_binary(), {"report"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("shadowtlb report --help"), std::string::npos) << none.err;
  const test::ProcessResult self = run_process(shadowtlb_binary(), {"report", path("t.pb"), "-o", path("t.pb")});
  EXPECT_EQ(self.exit_code, 1);
}

}  // namespace
}  // namespace shadowtlb
