// Controlled scheduling on real guests: runs complete, recordings replay to
// the same events, broken schedules stop the run with a schedule error,
// delays slow a free run, and --iterations repeats it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/handmade_image.h"
#include "support/kvm_available.h"
#include "vmm/builder/image_source.h"
#include "vmm/builder/schedule_settings.h"
#include "vmm/cli/subprocess.h"
#include "vmm/runtime/machine.h"
#include "vmm/sched/record_file.h"

namespace shadowtlb::vmm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// `shadowtlb run selftest --cmdline selftest.filter=<filter> --schedule <schedule>`, in process.
VmConfig selftest(const std::string& filter, const std::string& schedule, unsigned vcpus = 2) {
  CliOverrides o;
  o.vcpus = vcpus;
  o.cmdline = "selftest.filter=" + filter;
  o.schedule.schedule = schedule;
  VmConfig config = make_vm_config("selftest", o);
  config.echo_console = false;
  config.keep_event_trace = true;
  return config;
}

unsigned tests_passed(const RunResult& r) {
  unsigned n = 0;
  for (const GuestReport& report : r.reports) n += report.kind == abi::REPORT_TEST_PASS;
  return n;
}

void expect_same_trace(const RunResult& a, const RunResult& b) {
  ASSERT_FALSE(a.event_trace.truncated);
  const std::optional<std::size_t> at = first_difference(a.event_trace, b.event_trace);
  if (!at) return;
  auto show = [&](const RunResult& r) {
    return *at < r.event_trace.events.size() ? format_trace_event(r.event_trace, r.event_trace.events[*at])
                                             : std::string("(end of trace)");
  };
  ADD_FAILURE() << "the traces part at event " << *at << " of " << a.event_trace.events.size()
                << ":\n  first:  " << show(a) << "\n  second: " << show(b);
}

class SchedulingTest : public ::testing::Test {
 protected:
  void SetUp() override { SHADOWTLB_REQUIRE_KVM(); }
};

TEST_F(SchedulingTest, ControlledWithoutStepsRunsTheSelfTests) {
  VmConfig config = selftest("mremap", "controlled");
  ASSERT_EQ(config.sched.mode, sched::ScheduleMode::controlled);
  RunResult r = run_vm(config);
  ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  EXPECT_EQ(tests_passed(r), 4u);
  EXPECT_THAT(r.schedule_record, HasSubstr("step { vcpu: 1 points: "));
  // Marks and model events are both in the trace.
  EXPECT_GT(r.event_trace.events.size(), 100u);
  EXPECT_NE(std::find(r.event_trace.names.begin(), r.event_trace.names.end(), "move_ptes.unlock"),
            r.event_trace.names.end());
}

TEST_F(SchedulingTest, AFreeRunRecordsNothing) {
  RunResult r = run_vm(selftest("mremap", "free"));
  ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  EXPECT_TRUE(r.schedule_record.empty());
}

struct ReplayCase {
  const char* filter;
  unsigned vcpus;
};

void PrintTo(const ReplayCase& c, std::ostream* os) {
  *os << "selftest.filter=" << c.filter << " on " << c.vcpus << " vCPUs";
}

class ReplayTest : public SchedulingTest, public ::testing::WithParamInterface<ReplayCase> {};

// Two controlled runs, then a replay of the first one's recording: the same
// model events and marks, in the same order, every time.
TEST_P(ReplayTest, ARecordingReplaysToTheSameEvents) {
  const fs::path file = fs::temp_directory_path() /
                        ("shadowtlb_replay_" + std::to_string(::getpid()) + ".textproto");
  VmConfig config = selftest(GetParam().filter, "controlled", GetParam().vcpus);
  config.sched.record_path = file.string();
  RunResult first = run_vm(config);
  ASSERT_EQ(first.outcome, Outcome::guest_exit_ok) << first.message;
  const proto::Schedule recorded = load_schedule(file);
  fs::remove(file);
  ASSERT_GT(recorded.step_size(), 2);

  config.sched.record_path.clear();
  RunResult second = run_vm(config);
  ASSERT_EQ(second.outcome, Outcome::guest_exit_ok) << second.message;
  expect_same_trace(first, second);

  VmConfig replay = config;
  replay.sched.steps = recorded;
  RunResult replayed = run_vm(replay);
  ASSERT_EQ(replayed.outcome, Outcome::guest_exit_ok) << replayed.message;
  expect_same_trace(first, replayed);
  EXPECT_EQ(replayed.schedule_record, first.schedule_record);
}

INSTANTIATE_TEST_SUITE_P(SelfTests, ReplayTest,
                         ::testing::Values(ReplayCase{"mremap", 2}, ReplayCase{"spinlock", 3}),
                         [](const auto& p) { return std::string(p.param.filter); });

TEST_F(SchedulingTest, AReplayThatNoLongerFitsTheGuestDiverges) {
  VmConfig config = selftest("mremap", "controlled");
  RunResult first = run_vm(config);
  ASSERT_EQ(first.outcome, Outcome::guest_exit_ok) << first.message;
  config.sched.steps = parse_schedule(first.schedule_record, "recorded");
  ASSERT_GT(config.sched.steps.step_size(), 2);
  proto::Step* longest = config.sched.steps.mutable_step(2);
  longest->set_points(longest->points() - 1);
  RunResult r = run_vm(config);
  EXPECT_EQ(r.outcome, Outcome::schedule_error);
  EXPECT_THAT(r.message, StartsWith("schedule replay diverged at step 3 (vCPU 0 for "));
}

TEST_F(SchedulingTest, AStepWhoseVcpuOnlyWaitsIsAScheduleError) {
  // From the first mmap on, vCPU 1 idles (yielding) and never calls mremap.
  VmConfig config = selftest("mremap", "controlled");
  config.sched.steps.set_begin_mark("mmap");
  proto::Step* step = config.sched.steps.add_step();
  step->set_vcpu(1);
  step->set_until_mark("mremap");
  config.sched.yield_budget = 500;
  RunResult r = run_vm(config);
  EXPECT_EQ(r.outcome, Outcome::schedule_error);
  EXPECT_EQ(r.message,
            "schedule step 1 (vCPU 1 until mark 'mremap'): cannot be reached: vCPU 1 keeps waiting "
            "(500 yields)");
}

TEST_F(SchedulingTest, StepsLeftWhenTheGuestExitsAreAScheduleError) {
  // The mremap tests never truncate a file, so the steps never begin. (A
  // step holding vCPU 0 would spend its yield budget instead: vCPU 0 waits
  // for vCPU 1 now and then.)
  VmConfig config = selftest("mremap", "controlled");
  config.sched.steps.set_begin_mark("truncate");
  config.sched.steps.add_step()->set_until_mark("mremap.done");
  RunResult r = run_vm(config);
  EXPECT_EQ(r.outcome, Outcome::schedule_error);
  EXPECT_EQ(r.message,
            "schedule step 1 (vCPU 0 until mark 'mremap.done'): never reached: the guest exited "
            "first (the steps begin at mark 'truncate', which no vCPU reached)");
  EXPECT_EQ(tests_passed(r), 4u);  // the guest itself was fine
}

TEST_F(SchedulingTest, ADelaySlowsTheRunByAtLeastTheDelay) {
  using namespace std::chrono_literals;
  VmConfig config = selftest("mremap", "free");
  config.sched.delays = {{"mremap", 150ms}};
  RunResult r = run_vm(config);
  ASSERT_EQ(r.outcome, Outcome::guest_exit_ok) << r.message;
  const auto hits = std::count_if(r.marks.begin(), r.marks.end(),
                                  [](const MarkRecord& m) { return m.name == "mremap"; });
  ASSERT_GE(hits, 1);
  EXPECT_GE(r.wall_ms, 150.0 * static_cast<double>(hits));
}

// A hand-made one-vCPU guest of a few instruction bytes at 1 MiB, controlled.
VmConfig controlled_handmade(const std::vector<std::uint8_t>& code) {
  VmConfig config = test::handmade_config(code, 1, std::chrono::seconds(1));
  config.sched.mode = sched::ScheduleMode::controlled;
  return config;
}

TEST_F(SchedulingTest, ATimeoutSaysWhichVcpuHeldTheToken) {
  RunResult r = run_vm(controlled_handmade({0xeb, 0xfe}));  // jmp .: never a point
  EXPECT_EQ(r.outcome, Outcome::timeout);
  EXPECT_THAT(r.message, HasSubstr("; controlled: vCPU 0 held the token"));
  EXPECT_EQ(r.schedule_record, sched::format_schedule(parse_schedule(
                                   "step { points: 1 last_point: \"exit\" }", "expected"),
                                   "handmade"));
}

TEST_F(SchedulingTest, AHaltedHolderEndsTheControlledRun) {
  RunResult r = run_vm(controlled_handmade({0xf4}));  // hlt
  EXPECT_EQ(r.outcome, Outcome::guest_panic);
  EXPECT_THAT(r.message, HasSubstr("every running vCPU halted"));
  EXPECT_THAT(r.schedule_record, HasSubstr("step { points: 1 last_point: \"halt\" }"));
}

// The binary end to end: exit codes and output of the scheduling options.
class SchedulingCliTest : public SchedulingTest {
 protected:
  static test::ProcessResult shadowtlb(const std::vector<std::string>& args) {
    return test::run_process(test::shadowtlb_binary(), args, 120);
  }
};

TEST_F(SchedulingCliTest, AScheduleErrorExitsTwoWithOneErrorLine) {
  const test::ProcessResult r =
      shadowtlb({"run", "selftest", "--cmdline", "selftest.filter=mremap", "--quiet",
                 "--schedule", "controlled", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The same run with a step the guest never reaches.
  const fs::path file = fs::temp_directory_path() /
                        ("shadowtlb_unreached_" + std::to_string(::getpid()) + ".textproto");
  std::ofstream(file) << "begin_mark: \"mmap\"\nstep { vcpu: 1 until_mark: \"mremap\" }\n";
  const test::ProcessResult bad = shadowtlb(
      {"run", "selftest", "--cmdline", "selftest.filter=mremap", "--quiet", "--schedule", file.string()});
  fs::remove(file);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("shadowtlb: selftest: schedule_error"));
  EXPECT_THAT(bad.err,
              HasSubstr("shadowtlb: error: schedule step 1 (vCPU 1 until mark 'mremap'): cannot "
                        "be reached: vCPU 1 keeps waiting (20000 yields)\n"));
}

TEST_F(SchedulingCliTest, IterationsRunTheMachineThatManyTimes) {
  const test::ProcessResult r = shadowtlb({"run", "smoke", "--iterations", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["iterations"]["runs"], 3);
  EXPECT_EQ(j["iterations"]["no_verdict"], 3);
  EXPECT_EQ(j["iterations"]["failed"], 0);
  EXPECT_EQ(j["result"], "ok");  // the last run's fields

  const test::ProcessResult human = shadowtlb({"run", "smoke", "--iterations", "3"});
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_THAT(human.err, HasSubstr("shadowtlb: smoke: 3 runs: no verdict 3 in "));
}

TEST_F(SchedulingCliTest, IterationsCountTheVerdicts) {
  const test::ProcessResult r =
      shadowtlb({"run", "mremap-race", "--schedule", "free", "--iterations", "3", "--json"});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  unsigned judged = 0;
  for (const auto& [name, count] : j["iterations"]["verdicts"].items()) judged += count.get<unsigned>();
  EXPECT_EQ(judged, 3u) << r.out;
  EXPECT_EQ(r.exit_code, j["iterations"]["verdicts"].value("lost_write", 0) > 0 ? 3 : 0);
}

}  // namespace
}  // namespace shadowtlb::vmm
