// The stderr summary of `run`: the one-line verdict and a failure's details.
#include "vmm/cli/human_summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shadowtlb::vmm::cli {
namespace {

using ::testing::HasSubstr;

VmConfig config_with(unsigned vcpus) {
  VmConfig config;
  config.image_name = "smoke";
  config.vcpus = vcpus;
  return config;
}

void add_reports(RunResult& result, abi::report_kind kind, int count) {
  for (int i = 0; i < count; ++i) {
    GuestReport r;
    r.kind = kind;
    r.name = "t" + std::to_string(i);
    result.reports.push_back(r);
  }
}

TEST(HumanSummary, SuccessLine) {
  RunResult result;
  result.outcome = Outcome::guest_exit_ok;
  result.wall_ms = 309.6;
  add_reports(result, abi::REPORT_TEST_PASS, 12);
  EXPECT_EQ(summary_line(config_with(4), result),
            "shadowtlb: smoke: ok (4 vCPUs, 12 guest tests passed) in 310 ms\n");
  EXPECT_EQ(failure_details(result), "");
}

TEST(HumanSummary, NoTestsAndOneVcpu) {
  RunResult result;
  result.outcome = Outcome::guest_exit_ok;
  result.wall_ms = 5;
  EXPECT_EQ(summary_line(config_with(1), result), "shadowtlb: smoke: ok (1 vCPU) in 5 ms\n");
}

TEST(HumanSummary, FailedAndSkippedCounts) {
  RunResult result;
  result.outcome = Outcome::guest_exit_failed;
  result.message = "guest test 't0' failed";
  add_reports(result, abi::REPORT_TEST_PASS, 1);
  add_reports(result, abi::REPORT_TEST_FAIL, 2);
  add_reports(result, abi::REPORT_TEST_SKIP, 3);
  EXPECT_EQ(summary_line(config_with(2), result),
            "shadowtlb: smoke: guest_failed (2 vCPUs, 1 guest test passed, 2 failed, 3 skipped) "
            "in 0 ms\n");
  const std::string details = failure_details(result);
  EXPECT_THAT(details, HasSubstr("shadowtlb: guest test 't0' failed on vCPU 0"));
  EXPECT_THAT(details, HasSubstr("shadowtlb: error: guest test 't0' failed\n"));
}

TEST(HumanSummary, TripleFaultShowsRegistersAndInstruction) {
  RunResult result;
  result.outcome = Outcome::triple_fault;
  result.message = "vCPU 3: triple fault\n(second line folded)";
  VcpuFailure f;
  f.vcpu = 3;
  f.rip = 0xffffffff80001000;
  f.gpr[0] = 0x1234;
  f.instruction = "ud2";
  result.failure = f;
  const std::string details = failure_details(result);
  EXPECT_THAT(details, HasSubstr("shadowtlb: error: vCPU 3: triple fault (second line folded)\n"));
  EXPECT_THAT(details, HasSubstr("vCPU 3 at rip 0xffffffff80001000: ud2"));
  EXPECT_THAT(details, HasSubstr("rax 0000000000001234"));
  EXPECT_THAT(details, HasSubstr("cr3"));
}

TEST(HumanSummary, FailureWithoutMessageStillSaysSomething) {
  RunResult result;
  result.outcome = Outcome::timeout;
  EXPECT_EQ(failure_details(result), "shadowtlb: error: the run ended with timeout\n");
}

}  // namespace
}  // namespace shadowtlb::vmm::cli
