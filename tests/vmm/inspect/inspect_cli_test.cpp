// `shadowtlb inspect` as users meet it, on crafted trace files: the views,
// the filters, one-line errors, and traces that are not traces or cut short.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vmm/cli/subprocess.h"
#include "vmm/inspect/mini_trace.h"
#include "vmm/inspect/timeline.h"

namespace shadowtlb {
namespace {

namespace fs = std::filesystem;
using test::ProcessResult;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class InspectCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("shadowtlb_inspect_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
    trace_ = (dir_ / "t.pb").string();
    test::write_mini_trace(trace_, test::mini_seed_trace());
  }
  void TearDown() override { fs::remove_all(dir_); }

  static ProcessResult inspect(const std::vector<std::string>& args) {
    std::vector<std::string> argv{std::string("inspect")};
    for (const std::string& arg : args) argv.push_back(arg);
    return test::run_process(test::shadowtlb_binary(), argv);
  }

  static void expect_one_line_error(const ProcessResult& r, int code, const std::string& what) {
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
    EXPECT_THAT(r.err, StartsWith("shadowtlb: error: "));
    EXPECT_THAT(r.err, HasSubstr(what));
    EXPECT_EQ(r.out, "");
  }

  static std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  fs::path dir_;
  std::string trace_;
};

TEST_F(InspectCliTest, TheTimelineHasAColumnPerVcpu) {
  const ProcessResult r = inspect({trace_, "--width", "120"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("mremap-race: 2 vCPUs"));
  EXPECT_THAT(r.out, HasSubstr("EVENT  vCPU 0"));
  EXPECT_THAT(r.out, HasSubstr("| vCPU 1"));
  EXPECT_THAT(r.out, HasSubstr("tlb_fill 0x100000000000"));
  EXPECT_THAT(r.out, HasSubstr("| pte_write [0x7f1000] 0x2345067 -> 0x0"));
  EXPECT_THAT(r.out, HasSubstr("HAZARD stale_write"));
}

TEST_F(InspectCliTest, WidthBoundsEveryLine) {
  const ProcessResult r = inspect({trace_, "--width", "80"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& line : lines_of(r.out)) {
    if (line.find("EVENT") != std::string::npos || line.find(" | ") != std::string::npos) {
      EXPECT_LE(inspect::display_width(line), 80u) << line;
    }
  }
  expect_one_line_error(inspect({trace_, "--width", "20"}), 1, "--width 20");
}

TEST_F(InspectCliTest, FiltersNarrowTheTimeline) {
  ProcessResult r = inspect({trace_, "--vcpu", "1", "--kind", "pte_write"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("EVENT  vCPU 1"));
  EXPECT_THAT(r.out, Not(HasSubstr("vCPU 0")));
  EXPECT_THAT(r.out, HasSubstr("pte_write [0x7f1000]"));
  EXPECT_THAT(r.out, HasSubstr("pte_write [0x7f3000]"));
  EXPECT_THAT(r.out, HasSubstr("(2 of 18 records shown)"));

  r = inspect({trace_, "--va", "0x100000000000", "--kind", "hazard,flush_remote"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(3 of 18 records shown)"));

  r = inspect({trace_, "--from", "race.t1.wrote_1", "--to", "6", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["records"].size(), 3u);
  EXPECT_EQ(j["records"][0]["event"], 4);
  EXPECT_EQ(j["records"][2]["event"], 6);
}

TEST_F(InspectCliTest, BadFiltersAreOneLineErrors) {
  expect_one_line_error(inspect({trace_, "--kind", "bogus"}), 1, "--kind 'bogus': not a record kind");
  expect_one_line_error(inspect({trace_, "--vcpu", "5"}), 1, "--vcpu 5: the trace has 2 vCPUs");
  expect_one_line_error(inspect({trace_, "--va", "zz"}), 1, "--va 'zz': not an address");
  expect_one_line_error(inspect({trace_, "--from", "99"}), 1, "--from 99: the trace has 18 records");
  expect_one_line_error(inspect({trace_, "--from", "9", "--to", "3"}), 1, "--from 9 comes after --to 3");
  expect_one_line_error(inspect({trace_, "--tlb"}), 1, "--tlb needs --at");
  expect_one_line_error(inspect({trace_, "--at", "3"}), 1, "--at goes with --tlb");
  expect_one_line_error(inspect({trace_, "--tlb", "--at", "nosuchmark"}), 1,
                        "--at 'nosuchmark': not an event number, nor a mark");
}

TEST_F(InspectCliTest, TlbAtTheStaleWriteShowsTheStaleEntry) {
  ProcessResult r = inspect({trace_, "--tlb", "--at", "9"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("vCPU 0: 1 entry, 1 STALE"));
  EXPECT_THAT(r.out, HasSubstr("! 0x100000000000 4K -> 0x2345000 RW U dirty  STALE since event 5"));
  EXPECT_THAT(r.out, HasSubstr("no longer maps"));

  r = inspect({trace_, "--tlb", "--at", "race.t1.wrote_2", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["at"]["event"], 11);
  EXPECT_EQ(j["tlbs"][0]["entries"][0]["stale"], true);
}

TEST_F(InspectCliTest, ExplainNamesTheChain) {
  ProcessResult r = inspect({trace_, "--explain"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("the write:     event 9: vCPU 0 wrote 0x2"));
  EXPECT_THAT(r.out, HasSubstr("the entry:     0x100000000000"));
  EXPECT_THAT(r.out, HasSubstr("made stale by: event 5: vCPU 1's page-table write"));
  EXPECT_THAT(r.out, HasSubstr("too late:      event 14: flush_remote"));
  EXPECT_THAT(r.out, HasSubstr("verdict: lost_write"));

  r = inspect({trace_, "--explain", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["hazards"].size(), 2u);
  expect_one_line_error(inspect({trace_, "--explain", "--tlb", "--at", "1"}), 1, "pick one");
}

TEST_F(InspectCliTest, ChromeWritesAValidTraceEventFile) {
  const std::string out = (dir_ / "t.json").string();
  ProcessResult r = inspect({trace_, "--chrome", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("t.json (18 records as"));
  std::ifstream in(out);
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_TRUE(j["traceEvents"].is_array());
  for (const nlohmann::json& e : j["traceEvents"])
    for (const char* field : {"ph", "ts", "pid", "tid"}) EXPECT_TRUE(e.contains(field)) << e;

  r = inspect({trace_, "--chrome", (dir_ / "no" / "such" / "t.json").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, StartsWith("shadowtlb: error: cannot write"));
  expect_one_line_error(inspect({trace_, "--chrome", out, "--explain"}), 1, "--chrome");
}

TEST_F(InspectCliTest, AFileThatIsNotATraceIsRejected) {
  const std::string other = (dir_ / "notes.txt").string();
  std::ofstream(other) << "hello, this is not a trace\n";
  expect_one_line_error(inspect({other}), 1, "not a shadowtlb trace");
  expect_one_line_error(inspect({(dir_ / "missing.pb").string()}), 1, "missing.pb");
  const std::string empty = (dir_ / "empty.pb").string();
  std::ofstream(empty).flush();
  expect_one_line_error(inspect({empty}), 1, "not a shadowtlb trace");
}

TEST_F(InspectCliTest, ATraceWithoutFooterWarnsAndShowsEverything) {
  const std::string cut = (dir_ / "cut.pb").string();
  test::write_mini_trace(cut, test::mini_seed_trace(), /*with_footer=*/false);
  const ProcessResult r = inspect({cut, "--width", "160"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
  EXPECT_THAT(r.err, StartsWith("shadowtlb: warning: "));
  EXPECT_THAT(r.err, HasSubstr("trace truncated after 18 records: no footer"));
  EXPECT_THAT(r.out, HasSubstr("flush_tlb.done"));  // the last record
  EXPECT_THAT(r.out, HasSubstr("no footer (truncated)"));
}

TEST_F(InspectCliTest, ATraceCutMidRecordKeepsTheCompleteOnes) {
  const std::string cut = (dir_ / "cut.pb").string();
  test::write_mini_trace(cut, test::mini_seed_trace(), /*with_footer=*/false, /*cut_bytes=*/3);
  ProcessResult r = inspect({cut, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("trace truncated after 17 records: "));
  EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["records"].size(), 17u);
  EXPECT_EQ(j["trace"]["truncated"], true);

  r = inspect({cut, "--explain"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("too late:      event 14: flush_remote"));
  EXPECT_THAT(r.out, HasSubstr("verdict: none: the trace has no footer"));
}

TEST_F(InspectCliTest, HelpExplainsEventNumbers) {
  const ProcessResult r = inspect({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("record indices"));
  EXPECT_THAT(r.out, HasSubstr("--chrome"));
}

}  // namespace
}  // namespace shadowtlb
