// Schedules checked before a run: every error names the step and the problem.
#include "vmm/sched/schedule_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vmm/errors.h"

namespace shadowtlb::vmm::sched {
namespace {

using ::testing::HasSubstr;

class ScheduleValidationTest : public ::testing::Test {
 protected:
  ScheduleValidationTest() {
    options.mode = ScheduleMode::controlled;
    options.origin = "race.textproto";
    options.image_marks = {"race.begin", "race.t1.wrote_1"};
  }
  proto::Step* step(unsigned vcpu, const std::string& mark) {
    proto::Step* s = options.steps.add_step();
    s->set_vcpu(vcpu);
    s->set_until_mark(mark);
    return s;
  }
  // The ConfigError's message, or "" if the options pass.
  std::string error(unsigned vcpus = 2) {
    try {
      validate_schedule_options(options, vcpus);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }

  ScheduleOptions options;
};

TEST_F(ScheduleValidationTest, KernelAndImageMarksAreKnown) {
  options.steps.set_begin_mark("race.begin");
  step(0, "race.t1.wrote_1");
  step(1, "move_ptes.unlock");
  EXPECT_EQ(error(), "");
  EXPECT_TRUE(is_known_mark("flush_tlb.done", {}));
  EXPECT_FALSE(is_known_mark("race.begin", {}));
}

TEST_F(ScheduleValidationTest, AnUnknownMarkIsNamedWithItsStep) {
  step(0, "race.t1.wrote_1");
  step(1, "move_ptes.unlok");
  EXPECT_EQ(error(),
            "race.textproto: schedule step 2 (vCPU 1 until mark 'move_ptes.unlok'): unknown mark "
            "'move_ptes.unlok' (neither a kernel mark, see docs/mm.md, nor one the image declares "
            "in its manifest's marks)");
}

TEST_F(ScheduleValidationTest, AnUnknownBeginMarkIsAnError) {
  options.steps.set_begin_mark("race.go");
  EXPECT_THAT(error(), HasSubstr("race.textproto: schedule begin_mark: unknown mark 'race.go'"));
}

TEST_F(ScheduleValidationTest, AVcpuTheMachineLacksIsAnError) {
  step(0, "mmap");
  step(2, "munmap");
  EXPECT_EQ(error(2),
            "race.textproto: schedule step 2 (vCPU 2 until mark 'munmap'): vCPU 2 does not exist; "
            "the machine has 2 vCPUs");
  EXPECT_EQ(error(3), "");
}

TEST_F(ScheduleValidationTest, AStepNeedsExactlyOneOfUntilMarkAndPoints) {
  proto::Step* s = step(0, "");
  EXPECT_THAT(error(), HasSubstr("schedule step 1 (vCPU 0 with no condition): give until_mark (run "
                                 "until a mark) or points (a recorded step)"));
  s->set_until_mark("mmap");
  s->set_points(3);
  s->set_last_point("yield");
  EXPECT_THAT(error(), HasSubstr("until_mark and points exclude each other"));
}

TEST_F(ScheduleValidationTest, RecordedStepsNeedAPointName) {
  proto::Step* s = options.steps.add_step();
  s->set_points(4);
  s->set_last_point("mark:munmap");
  EXPECT_EQ(error(), "");
  s->set_last_point("pte_rmw");
  EXPECT_THAT(error(), HasSubstr("schedule step 1 (vCPU 0 for 4 points, last 'pte_rmw'): "
                                 "last_point 'pte_rmw' names no scheduling point"));
  s->set_last_point("yield");
  s->set_or_blocked(true);
  EXPECT_THAT(error(), HasSubstr("count and or_blocked belong to until_mark steps"));
}

TEST_F(ScheduleValidationTest, DelaysBelongToFreeRunningRuns) {
  options.delays = {{"move_ptes.unlock", std::chrono::milliseconds(10)}};
  EXPECT_EQ(error(),
            "--delay applies to free-running runs; this run is controlled (add --schedule free)");
  options.mode = ScheduleMode::free;
  EXPECT_EQ(error(), "");
  options.delays = {{"move_ptes.unlok", std::chrono::milliseconds(10)}};
  EXPECT_THAT(error(), HasSubstr("--delay move_ptes.unlok: unknown mark 'move_ptes.unlok'"));
}

TEST_F(ScheduleValidationTest, FreeRunsHaveNoStepsAndNoRecording) {
  options.mode = ScheduleMode::free;
  EXPECT_EQ(error(), "");
  options.record_path = "run.textproto";
  EXPECT_EQ(error(), "--record records a controlled run; this run is free-running");
  options.record_path.clear();
  step(0, "mmap");
  EXPECT_EQ(error(), "race.textproto: a schedule's steps need a controlled run");
}

}  // namespace
}  // namespace shadowtlb::vmm::sched
