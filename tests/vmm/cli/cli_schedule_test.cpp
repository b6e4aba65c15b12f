// The scheduling options as users meet them: --schedule, --record, --delay and
// --iterations, and their errors. Every error here is found before /dev/kvm
// is opened, so these tests need no KVM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "vmm/cli/subprocess.h"

namespace shadowtlb {
namespace {

namespace fs = std::filesystem;
using test::ProcessResult;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class CliScheduleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("shadowtlb_cli_sched_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `shadowtlb run ARGS...`
  static ProcessResult shadowtlb(const std::vector<std::string>& args) {
    std::vector<std::string> all(args.size() + 1);
    all[0] = "run";
    std::copy(args.begin(), args.end(), all.begin() + 1);
    return test::run_process(test::shadowtlb_binary(), all);
  }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  // The exit code, and exactly one line on stderr: "shadowtlb: error: ...".
  static std::string error_line(const ProcessResult& r, int exit_code) {
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_EQ(test::count_lines(r.err), 1) << r.err;
    EXPECT_THAT(r.err, StartsWith("shadowtlb: error: "));
    return r.err;
  }

  fs::path dir_;
};

TEST_F(CliScheduleTest, HelpListsTheSchedulingOptions) {
  const ProcessResult r = test::run_process(test::shadowtlb_binary(), {"run", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--schedule", "--record", "--delay", "--iterations"})
    EXPECT_THAT(r.out, HasSubstr(option));
}

TEST_F(CliScheduleTest, AScheduleFileThatDoesNotParseNamesItsLine) {
  const std::string path = write("bad.textproto", "step {\n  vcpu: 0\n  until: \"mmap\"\n}\n");
  EXPECT_EQ(error_line(shadowtlb({"selftest", "--schedule", path}), 1),
            "shadowtlb: error: " + path +
                ":3:8: Message type \"shadowtlb.proto.Step\" has no field named \"until\".\n");
}

TEST_F(CliScheduleTest, AMissingScheduleFileIsAnError) {
  EXPECT_THAT(error_line(shadowtlb({"selftest", "--schedule", (dir_ / "nope").string()}), 1),
              HasSubstr("cannot read schedule '"));
}

TEST_F(CliScheduleTest, AnUnknownMarkOrVcpuNamesTheStep) {
  const std::string marks = write("marks.textproto", "step { vcpu: 0 until_mark: \"mmap\" }\n"
                                                     "step { vcpu: 1 until_mark: \"mremap.dne\" }\n");
  EXPECT_THAT(error_line(shadowtlb({"selftest", "--schedule", marks}), 1),
              HasSubstr(marks + ": schedule step 2 (vCPU 1 until mark 'mremap.dne'): unknown mark "
                                "'mremap.dne'"));
  const std::string vcpu = write("vcpu.textproto", "step { vcpu: 3 until_mark: \"mmap\" }\n");
  EXPECT_THAT(error_line(shadowtlb({"selftest", "--schedule", vcpu}), 1),
              HasSubstr("schedule step 1 (vCPU 3 until mark 'mmap'): vCPU 3 does not exist; the "
                        "machine has 2 vCPUs"));
  const std::string neither = write("neither.textproto", "step { vcpu: 1 }\n");
  EXPECT_THAT(error_line(shadowtlb({"selftest", "--schedule", neither}), 1),
              HasSubstr("schedule step 1 (vCPU 1 with no condition): give until_mark"));
}

TEST_F(CliScheduleTest, RecordNeedsAControlledRun) {
  EXPECT_EQ(error_line(shadowtlb({"selftest", "--record", write("r", "")}), 1),
            "shadowtlb: error: --record records a controlled run; this run is free-running\n");
  EXPECT_EQ(error_line(shadowtlb({"selftest", "--schedule", "controlled", "--record", "r.textproto",
                                  "--iterations", "2"}),
                       1),
            "shadowtlb: error: --record records one run; it cannot be combined with --iterations\n");
}

// Opened before /dev/kvm, like --disk: a host failure is exit code 2.
TEST_F(CliScheduleTest, ARecordFileInAMissingFolderExitsTwo) {
  const std::string path = (dir_ / "no-such-folder" / "run.textproto").string();
  EXPECT_EQ(error_line(shadowtlb({"selftest", "--schedule", "controlled", "--record", path}), 2),
            "shadowtlb: error: open record file '" + path + "': No such file or directory\n");
}

TEST_F(CliScheduleTest, DelayErrors) {
  EXPECT_EQ(error_line(shadowtlb({"selftest", "--delay", "mmap"}), 1),
            "shadowtlb: error: --delay 'mmap': expected MARK=DURATION (e.g. "
            "move_ptes.unlock=10ms)\n");
  EXPECT_EQ(error_line(shadowtlb({"selftest", "--delay", "mmap=10"}), 1),
            "shadowtlb: error: --delay mmap=10: not a duration (a number with ns, us, ms or s, "
            "e.g. 10ms)\n");
  EXPECT_THAT(error_line(shadowtlb({"selftest", "--delay", "mmapp=10ms"}), 1),
              HasSubstr("--delay mmapp: unknown mark 'mmapp'"));
  EXPECT_EQ(error_line(shadowtlb({"selftest", "--delay", "mmap=1ms", "--schedule", "controlled"}), 1),
            "shadowtlb: error: --delay applies to free-running runs; this run is controlled (add "
            "--schedule free)\n");
}

TEST_F(CliScheduleTest, IterationsOutOfRange) {
  for (const char* n : {"0", "100001", "-1"})
    EXPECT_THAT(error_line(shadowtlb({"smoke", "--iterations", n}), 1),
                HasSubstr("the number of runs must be between 1 and 100000"))
        << n;
  EXPECT_THAT(error_line(shadowtlb({"smoke", "--iterations", "many"}), 1), HasSubstr("--iterations"));
}

TEST_F(CliScheduleTest, ScheduleErrorsWithJsonPrintOneObject) {
  const std::string vcpu = write("vcpu.textproto", "step { vcpu: 5 until_mark: \"mmap\" }\n");
  const ProcessResult r = shadowtlb({"selftest", "--schedule", vcpu, "--json"});
  EXPECT_EQ(r.exit_code, 1);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["result"], "error");
  EXPECT_THAT(j["message"].get<std::string>(), HasSubstr("vCPU 5 does not exist"));
}

}  // namespace
}  // namespace shadowtlb
