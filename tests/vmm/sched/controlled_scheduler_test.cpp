// Controlled scheduling with fake vCPU threads: who runs, in which order,
// and how a schedule's steps, errors and replays come out.
#include "vmm/sched/controlled_scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "fake_vcpus.h"
#include "vmm/sched/record_file.h"

namespace shadowtlb::vmm::sched {
namespace {

using test::Exit;
using test::FakeVcpus;
using test::Halt;
using test::Mark;
using test::PteWrite;
using test::SetFlag;
using test::StartCpu;
using test::WaitFor;
using test::Yield;

ScheduleOptions controlled(proto::Schedule steps = {}, std::uint64_t budget = 1000) {
  ScheduleOptions options;
  options.mode = ScheduleMode::controlled;
  options.steps = std::move(steps);
  options.yield_budget = budget;
  return options;
}

proto::Step* until(proto::Schedule& s, unsigned vcpu, const std::string& mark, bool or_blocked = false) {
  proto::Step* step = s.add_step();
  step->set_vcpu(vcpu);
  step->set_until_mark(mark);
  step->set_or_blocked(or_blocked);
  return step;
}

TEST(ControlledSchedulerTest, DefaultPolicyKeepsTheHolderUntilItYieldsThenRoundRobin) {
  FakeVcpus run(controlled(), {
                                  {StartCpu{1}, StartCpu{2}, Mark{"a"}, Yield{}, Mark{"b"}, Yield{},
                                   Mark{"c"}, Exit{}},
                                  {Mark{"x"}, Yield{}, Mark{"y"}, Halt{}},
                                  {Mark{"z"}, Yield{}, Mark{"w"}, Yield{}, Halt{}},
                              });
  run.run();
  EXPECT_FALSE(run.error()) << *run.error();
  // vCPU 1 halts holding the token: it goes to the next after 1, vCPU 2;
  // vCPU 2 yields and the next after it that can run is 0.
  EXPECT_EQ(run.log_text(),
            "0:mark:a 0:yield 1:mark:x 1:yield 2:mark:z 2:yield 0:mark:b 0:yield 1:mark:y 1:halt "
            "2:mark:w 2:yield 0:mark:c");
}

TEST(ControlledSchedulerTest, AStartedVcpuWaitsForTheHoldersNextYield) {
  // Started vCPU 1 does not run until vCPU 0 yields, however long that takes.
  FakeVcpus run(controlled(), {
                                  {StartCpu{1}, PteWrite{}, Mark{"a"}, PteWrite{}, Yield{}, Exit{}},
                                  {Mark{"x"}, Halt{}},
                              });
  run.run();
  EXPECT_EQ(run.log_text(), "0:pte_write 0:mark:a 0:pte_write 0:yield 1:mark:x 1:halt");
}

TEST(ControlledSchedulerTest, AStepRunsOnlyItsVcpuUntilItsMark) {
  proto::Schedule s;
  until(s, 1, "y");
  FakeVcpus run(controlled(s), {
                                   {StartCpu{1}, Mark{"a"}, Mark{"b"}, Exit{}},
                                   {Mark{"x"}, Yield{}, Mark{"y"}, Mark{"z"}, Yield{}, Halt{}},
                               });
  run.run();
  EXPECT_FALSE(run.error()) << *run.error();
  // The step takes the token at vCPU 0's first point after vCPU 1 started,
  // keeps it through vCPU 1's yield, and ends at "y"; then the default policy.
  EXPECT_EQ(run.log_text(), "0:mark:a 1:mark:x 1:yield 1:mark:y 1:mark:z 1:yield 0:mark:b");
}

TEST(ControlledSchedulerTest, CountNamesTheNthTimeTheMarkIsReached) {
  proto::Schedule s;
  until(s, 0, "m")->set_count(3);
  until(s, 1, "x");
  FakeVcpus run(controlled(s), {
                                   {StartCpu{1}, Mark{"m"}, Mark{"m"}, Mark{"m"}, Mark{"after"}, Exit{}},
                                   {Mark{"x"}, Halt{}},
                               });
  run.run();
  EXPECT_FALSE(run.error()) << *run.error();
  EXPECT_EQ(run.log_text(), "0:mark:m 0:mark:m 0:mark:m 1:mark:x 1:halt 0:mark:after");
}

TEST(ControlledSchedulerTest, OrBlockedEndsTheStepWhenItsVcpuYields) {
  proto::Schedule s;
  until(s, 0, "b", /*or_blocked=*/true);  // vCPU 0 blocks on F, which vCPU 1 sets
  until(s, 1, "d");
  until(s, 0, "b");
  FakeVcpus run(controlled(s), {
                                   {StartCpu{1}, Mark{"a"}, WaitFor{"F"}, Mark{"b"}, Exit{}},
                                   {Mark{"c"}, SetFlag{"F"}, Mark{"d"}, Halt{}},
                               });
  run.run();
  EXPECT_FALSE(run.error()) << *run.error();
  EXPECT_EQ(run.log_text(), "0:mark:a 0:yield 1:mark:c 1:mark:d 0:mark:b");
}

TEST(ControlledSchedulerTest, AStepWhoseVcpuKeepsWaitingSpendsItsYieldBudget) {
  proto::Schedule s;
  until(s, 0, "b");
  FakeVcpus run(controlled(s, /*budget=*/50), {
                                                  {StartCpu{1}, WaitFor{"F"}, Mark{"b"}, Exit{}},
                                                  {SetFlag{"F"}, Halt{}},
                                              });
  run.run();
  ASSERT_TRUE(run.error());
  EXPECT_EQ(*run.error(),
            "schedule step 1 (vCPU 0 until mark 'b'): cannot be reached: vCPU 0 keeps waiting (50 "
            "yields)");
  // vCPU 1 never ran: the step kept the token on vCPU 0.
  EXPECT_EQ(run.log_text().find("1:"), std::string::npos) << run.log_text();
}

TEST(ControlledSchedulerTest, StepsBeginAtTheBeginMark) {
  proto::Schedule s;
  s.set_begin_mark("go");
  until(s, 1, "y");
  // vCPU 1 reaches "y" once before "go": that does not count, so at "go"
  // the step is still open and takes the token to vCPU 1.
  FakeVcpus run(controlled(s), {
                                   {StartCpu{1}, Mark{"a"}, Yield{}, Mark{"go"}, Mark{"b"}, Exit{}},
                                   {Mark{"y"}, Yield{}, Mark{"y"}, Halt{}},
                               });
  run.run();
  EXPECT_FALSE(run.error()) << *run.error();
  EXPECT_EQ(run.log_text(), "0:mark:a 0:yield 1:mark:y 1:yield 0:mark:go 1:mark:y 1:halt 0:mark:b");
}

TEST(ControlledSchedulerTest, TheGuestExitingWhileStepsRemainIsAnError) {
  proto::Schedule s;
  until(s, 0, "a");
  until(s, 1, "never");
  FakeVcpus run(controlled(s), {{Mark{"a"}, Exit{}}, {Halt{}}});
  run.run();
  ASSERT_TRUE(run.error());
  EXPECT_EQ(*run.error(),
            "schedule step 2 (vCPU 1 until mark 'never'): never reached: the guest exited first");
}

TEST(ControlledSchedulerTest, AStepWhoseVcpuHaltsCanNeverBeReached) {
  proto::Schedule s;
  until(s, 1, "never");
  FakeVcpus run(controlled(s), {{StartCpu{1}, Mark{"a"}, WaitFor{"F"}, Exit{}}, {Mark{"x"}, Halt{}}});
  run.run();
  ASSERT_TRUE(run.error());
  EXPECT_EQ(*run.error(), "schedule step 1 (vCPU 1 until mark 'never'): never reached: vCPU 1 halted first");
}

// The scenario the replay tests record: three vCPUs, flags, marks, yields.
std::vector<test::Script> three_vcpu_scenario() {
  return {
      {StartCpu{1}, StartCpu{2}, Mark{"a"}, WaitFor{"one"}, PteWrite{}, Mark{"b"}, WaitFor{"two"},
       Exit{}},
      {Mark{"x"}, PteWrite{}, SetFlag{"one"}, Yield{}, Mark{"y"}, Halt{}},
      {WaitFor{"one"}, Mark{"z"}, SetFlag{"two"}, Yield{}, Halt{}},
  };
}

TEST(ControlledSchedulerTest, ARecordingReplaysTheSameRun) {
  FakeVcpus original(controlled(), three_vcpu_scenario());
  original.run();
  ASSERT_FALSE(original.error()) << *original.error();
  std::optional<proto::Schedule> record = original.scheduler().recording();
  ASSERT_TRUE(record);
  ASSERT_GT(record->step_size(), 3);
  EXPECT_TRUE(record->begin_mark().empty());
  // The run ends while vCPU 0 holds the token: its last point is the exit.
  EXPECT_EQ(record->step(record->step_size() - 1).last_point(), "exit");
  EXPECT_EQ(record->step(0).vcpu(), 0u);
  EXPECT_EQ(record->step(0).last_point(), "yield");

  FakeVcpus replay(controlled(*record), three_vcpu_scenario());
  replay.run();
  EXPECT_FALSE(replay.error()) << *replay.error();
  EXPECT_EQ(replay.log_text(), original.log_text());
  EXPECT_EQ(format_schedule(*replay.scheduler().recording(), "t"), format_schedule(*record, "t"));
}

TEST(ControlledSchedulerTest, AReplayThatMeetsAnotherPointHasDiverged) {
  FakeVcpus original(controlled(), three_vcpu_scenario());
  original.run();
  proto::Schedule record = *original.scheduler().recording();
  // Step 2 is vCPU 1's turn: x, pte_write, yield. Claim its last point was a mark.
  ASSERT_EQ(record.step(1).vcpu(), 1u);
  ASSERT_EQ(record.step(1).last_point(), "yield");
  record.mutable_step(1)->set_last_point("mark:x");

  FakeVcpus replay(controlled(record), three_vcpu_scenario());
  replay.run();
  ASSERT_TRUE(replay.error());
  EXPECT_EQ(*replay.error(),
            "schedule replay diverged at step 2 (vCPU 1 for 3 points, last 'mark:x'): point 3 of "
            "vCPU 1 was 'yield'");
}

TEST(ControlledSchedulerTest, AReplayWhoseRunEndsEarlyHasDiverged) {
  FakeVcpus original(controlled(), three_vcpu_scenario());
  original.run();
  proto::Schedule record = *original.scheduler().recording();
  proto::Step* last = record.mutable_step(record.step_size() - 1);
  last->set_points(last->points() + 5);

  FakeVcpus replay(controlled(record), three_vcpu_scenario());
  replay.run();
  ASSERT_TRUE(replay.error());
  EXPECT_NE(replay.error()->find("schedule replay diverged at step"), std::string::npos)
      << *replay.error();
  EXPECT_NE(replay.error()->find("was 'exit'"), std::string::npos) << *replay.error();
}

TEST(ControlledSchedulerTest, ShutdownWakesEveryBlockedVcpu) {
  // Two vCPUs pass the token back and forth forever until the run stops.
  FakeVcpus run(controlled(), {{StartCpu{1}, WaitFor{"never"}}, {WaitFor{"never"}}});
  auto done = std::async(std::launch::async, [&] { run.run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  run.stop(std::nullopt);
  EXPECT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(ControlledSchedulerTest, ShutdownReleasesAVcpuWaitingAtItsStartPoint) {
  std::string error;
  ControlledScheduler scheduler(2, {}, 100, [&](std::string m) { error = std::move(m); });
  scheduler.vcpu_started(0);  // vCPU 0 holds the token and never gives it up
  scheduler.vcpu_started(1);
  auto waiting = std::async(std::launch::async, [&] { scheduler.point(1, Point{}); });
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  EXPECT_FALSE(scheduler.shutdown());
  EXPECT_EQ(waiting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // Once shut down, points never block.
  scheduler.point(1, Point{PointKind::yield, {}, 0});
  EXPECT_TRUE(error.empty());
}

TEST(ControlledSchedulerTest, DescribeStateNamesTheHolderAndTheStep) {
  proto::Schedule s;
  s.set_begin_mark("go");
  until(s, 1, "m");
  ControlledScheduler scheduler(2, s, 100, [](std::string) {});
  scheduler.vcpu_started(0);
  EXPECT_EQ(scheduler.describe_state(),
            "controlled: vCPU 0 held the token at schedule step 1 (vCPU 1 until mark 'm'), before "
            "its begin mark");
  std::optional<std::string> unfinished = scheduler.shutdown();
  ASSERT_TRUE(unfinished);
  EXPECT_EQ(*unfinished,
            "schedule step 1 (vCPU 1 until mark 'm'): never reached: the guest exited first (the "
            "steps begin at mark 'go', which no vCPU reached)");
  EXPECT_FALSE(scheduler.shutdown());  // only the first call reports it
}

}  // namespace
}  // namespace shadowtlb::vmm::sched
