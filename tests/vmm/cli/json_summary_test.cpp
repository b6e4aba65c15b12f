// The `run --json` summary: field names, values and hex registers, from a crafted RunResult.
#include "vmm/cli/json_summary.h"

#include <gtest/gtest.h>

namespace shadowtlb::vmm::cli {
namespace {

using json = Json;

GuestReport report(abi::report_kind kind, unsigned vcpu, const char* name) {
  GuestReport r;
  r.kind = kind;
  r.vcpu = vcpu;
  r.name = name;
  return r;
}

VmConfig smoke_config() {
  VmConfig config;
  config.image_name = "smoke";
  config.vcpus = 4;
  config.mem_bytes = 64ull << 20;
  config.seed = 9;
  return config;
}

TEST(JsonSummary, SuccessfulRun) {
  RunResult result;
  result.outcome = Outcome::guest_exit_ok;
  result.guest_status = 0;
  result.vcpus_started = 4;
  result.wall_ms = 310.5;
  result.reports.push_back(report(abi::REPORT_TEST_PASS, 1, "alloc_pages"));
  GuestReport skip = report(abi::REPORT_TEST_SKIP, 2, "huge_pages");
  skip.expr = "no 2 MiB frames";
  result.reports.push_back(skip);
  GuestReport value = report(abi::REPORT_VALUE, 3, "touched_pages");
  value.values[0] = 128;
  result.reports.push_back(value);

  const json j = run_summary_json(smoke_config(), result);
  EXPECT_EQ(j["result"], "ok");
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["image"], "smoke");
  EXPECT_EQ(j["vcpus"], 4);
  EXPECT_EQ(j["vcpus_started"], 4);
  EXPECT_EQ(j["mem_bytes"], 64ull << 20);
  EXPECT_EQ(j["seed"], 9);
  EXPECT_EQ(j["guest_status"], 0);
  EXPECT_DOUBLE_EQ(j["wall_ms"].get<double>(), 310.5);
  EXPECT_EQ(j["message"], "");
  ASSERT_EQ(j["tests"].size(), 2u);
  EXPECT_EQ(j["tests"][0]["name"], "alloc_pages");
  EXPECT_EQ(j["tests"][0]["vcpu"], 1);
  EXPECT_EQ(j["tests"][0]["result"], "pass");
  EXPECT_EQ(j["tests"][1]["result"], "skip");
  EXPECT_EQ(j["tests"][1]["expr"], "no 2 MiB frames");
  ASSERT_EQ(j["values"].size(), 1u);
  EXPECT_EQ(j["values"][0], (json{{"name", "touched_pages"}, {"vcpu", 3}, {"value", 128}}));
  EXPECT_FALSE(j.contains("failure"));
}

TEST(JsonSummary, FailedTestAndTripleFault) {
  RunResult result;
  result.outcome = Outcome::triple_fault;
  result.message = "vCPU 1: triple fault";
  GuestReport fail = report(abi::REPORT_TEST_FAIL, 0, "pte_move");
  fail.file = "mm/mremap.cpp";
  fail.line = 42;
  fail.expr = "a == b";
  fail.values[0] = 1;
  fail.values[1] = 2;
  result.reports.push_back(fail);
  VcpuFailure failure;
  failure.vcpu = 1;
  failure.rip = 0xffffffff80001234;
  failure.gpr[0] = 0xdead;
  failure.gpr[15] = 0xbeef;
  failure.cr2 = 0x1000;
  failure.instruction = "mov qword ptr [rax], 1";
  result.failure = failure;

  const json j = run_summary_json(smoke_config(), result);
  EXPECT_EQ(j["result"], "triple_fault");
  EXPECT_EQ(j["exit_code"], 2);
  EXPECT_EQ(j["guest_status"], -1);
  EXPECT_EQ(j["message"], "vCPU 1: triple fault");
  EXPECT_EQ(j["tests"][0],
            (json{{"name", "pte_move"}, {"vcpu", 0}, {"result", "fail"}, {"file", "mm/mremap.cpp"},
                  {"line", 42}, {"expr", "a == b"}, {"lhs", "0x1"}, {"rhs", "0x2"}}));
  const json& f = j["failure"];
  EXPECT_EQ(f["vcpu"], 1);
  EXPECT_EQ(f["rip"], "0xffffffff80001234");
  EXPECT_EQ(f["instruction"], "mov qword ptr [rax], 1");
  EXPECT_EQ(f["registers"]["rax"], "0xdead");
  EXPECT_EQ(f["registers"]["r15"], "0xbeef");
  EXPECT_EQ(f["registers"]["cr2"], "0x1000");
}

TEST(JsonSummary, EveryOutcomeHasItsExitCode) {
  const std::pair<Outcome, int> cases[] = {
      {Outcome::guest_exit_ok, 0},     {Outcome::guest_exit_failed, 2}, {Outcome::guest_panic, 2},
      {Outcome::triple_fault, 2},      {Outcome::vm_error, 2},          {Outcome::timeout, 2}};
  for (const auto& [outcome, code] : cases) {
    RunResult result;
    result.outcome = outcome;
    EXPECT_EQ(run_summary_json(smoke_config(), result)["exit_code"], code)
        << outcome_name(outcome);
  }
}

TEST(JsonSummary, ErrorSummary) {
  const json j = error_summary_json("foo", kExitUsage, "unknown image 'foo'");
  EXPECT_EQ(j, (json{{"result", "error"}, {"exit_code", 1}, {"image", "foo"},
                     {"message", "unknown image 'foo'"}}));
}

TEST(JsonSummary, DumpSurvivesInvalidUtf8FromTheGuest) {
  RunResult result;
  result.reports.push_back(report(abi::REPORT_TEST_PASS, 0, "bad\xff\xfename"));
  const std::string text = dump_summary(run_summary_json(smoke_config(), result));
  EXPECT_EQ(text.back(), '\n');
  const json parsed = json::parse(text);
  EXPECT_EQ(parsed["tests"].size(), 1u);
}

}  // namespace
}  // namespace shadowtlb::vmm::cli
