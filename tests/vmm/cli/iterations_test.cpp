// --iterations: the tally of verdicts, its exit code, JSON and summary line.
#include "vmm/cli/iterations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vmm/errors.h"

namespace shadowtlb::vmm::cli {
namespace {

RunResult run_with(Outcome outcome, std::optional<std::string> verdict = std::nullopt) {
  RunResult r;
  r.outcome = outcome;
  if (verdict) r.verdict = Verdict{*verdict, "", {}, 0};
  return r;
}

TEST(IterationTally, EachRunCountsOnceByVerdictOrOutcome) {
  IterationTally t;
  t.add(run_with(Outcome::guest_exit_ok, "ok"));
  t.add(run_with(Outcome::guest_exit_ok, "lost_write"));
  t.add(run_with(Outcome::guest_exit_ok, "ok"));
  t.add(run_with(Outcome::guest_exit_ok));
  t.add(run_with(Outcome::timeout, "ok"));  // a verdict from a run that did not end well does not count
  EXPECT_EQ(t.runs, 5u);
  EXPECT_EQ(t.verdicts, (std::map<std::string, unsigned>{{"lost_write", 1}, {"ok", 2}}));
  EXPECT_EQ(t.no_verdict, 1u);
  EXPECT_EQ(t.failed, 1u);
  EXPECT_EQ(t.counts(), "lost_write 1, ok 2, no verdict 1, failed 1");
}

TEST(IterationTally, ExitCodeIsThreeIfAnyVerdictIsNotOk) {
  IterationTally t;
  t.add(run_with(Outcome::guest_exit_ok, "ok"));
  EXPECT_EQ(t.exit_code(), kExitOk);
  t.add(run_with(Outcome::schedule_error));
  EXPECT_EQ(t.exit_code(), kExitVmFailed);  // a failed run is not hidden by later good ones
  t.add(run_with(Outcome::guest_exit_ok, "ok"));
  EXPECT_EQ(t.exit_code(), kExitVmFailed);
  t.add(run_with(Outcome::guest_exit_ok, "lost_write"));
  EXPECT_EQ(t.exit_code(), kExitHazard);
}

TEST(IterationTally, RunsWithoutVerdictsSayNoVerdict) {
  IterationTally t;
  t.add(run_with(Outcome::guest_exit_ok));
  t.add(run_with(Outcome::guest_exit_ok));
  EXPECT_EQ(t.counts(), "no verdict 2");
  EXPECT_EQ(t.exit_code(), kExitOk);
}

TEST(Iterations, JsonAndSummaryLine) {
  IterationTally t;
  t.add(run_with(Outcome::guest_exit_ok, "lost_write"));
  t.add(run_with(Outcome::guest_exit_ok, "ok"));
  t.add(run_with(Outcome::guest_exit_ok, "ok"));
  EXPECT_EQ(iterations_json(t).dump(),
            R"({"runs":3,"verdicts":{"lost_write":1,"ok":2},"no_verdict":0,"failed":0})");
  VmConfig config;
  config.image_name = "mremap-race";
  EXPECT_EQ(iterations_line(config, t, 4.21),
            "shadowtlb: mremap-race: 3 runs: lost_write 1, ok 2 in 4.2 s\n");
}

TEST(Iterations, CountIsCheckedAndExcludesRecording) {
  RunOptions options;
  VmConfig config;
  EXPECT_EQ(checked_iterations(options, config), 1u);
  options.iterations = 1000;
  EXPECT_EQ(checked_iterations(options, config), 1000u);
  for (std::int64_t bad : {0LL, -3LL, 100001LL}) {
    options.iterations = bad;
    EXPECT_THROW((void)checked_iterations(options, config), ConfigError) << bad;
  }
  options.iterations = 2;
  config.sched.record_path = "run.textproto";
  try {
    (void)checked_iterations(options, config);
    FAIL() << "--record with --iterations was accepted";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "--record records one run; it cannot be combined with --iterations");
  }
  options.iterations = 1;
  EXPECT_EQ(checked_iterations(options, config), 1u);
}

}  // namespace
}  // namespace shadowtlb::vmm::cli
