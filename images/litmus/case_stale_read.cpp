// Litmus stale_read: a repointed PTE without a flush; vCPU 1 keeps reading the old frame until shot down.
//
//   vCPU 1                         vCPU 0
//   read X -> A          (1)
//                                  X -> B, no flush             (2)
//   read X: before_flush (3)       [stale_read.repointed]
//                                  flush_tlb_others({1}, X)     (4)
//   read X: after_flush  (5)       [stale_read.flushed]
#include "guest/arch/x86/tlb.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "images/litmus/litmus.h"

namespace {

enum step { READ_A = 1, REPOINTED, READ_STALE, SHOT_DOWN, DONE };

void cpu0(litmus* t) {
  if (!litmus_wait(t, READ_A)) return;
  litmus_repoint_x(t, t->frame_b);
  mark("stale_read.repointed");
  litmus_step(t, REPOINTED);
  if (!litmus_wait(t, READ_STALE)) return;
  cpumask_t target{};
  cpumask_set_cpu(1, &target);
  EXPECT_EQ(flush_tlb_others(&target, LITMUS_X, 1), 0);
  mark("stale_read.flushed");
  litmus_step(t, SHOT_DOWN);
  if (!litmus_wait(t, DONE)) return;
}

void cpu1(litmus* t) {
  EXPECT_EQ(read_user(LITMUS_X), FRAME_A_VALUE);
  litmus_step(t, READ_A);
  if (!litmus_wait(t, REPOINTED)) return;
  u64 before = read_user(LITMUS_X);
  report_value("stale_read.before_flush", before);
  EXPECT_TRUE(before == FRAME_A_VALUE || before == FRAME_B_VALUE);
  litmus_step(t, READ_STALE);
  if (!litmus_wait(t, SHOT_DOWN)) return;
  u64 after = read_user(LITMUS_X);
  report_value("stale_read.after_flush", after);
  EXPECT_EQ(after, FRAME_B_VALUE);  // a shootdown leaves no stale entry in any mode
  litmus_step(t, DONE);
}

}  // namespace

TEST(litmus, stale_read) {
  if (nr_cpu_ids < 2) TEST_SKIP("needs 2 vCPUs");
  litmus t;
  ASSERT_TRUE(litmus_setup(&t, PAGE_SHARED));
  litmus_run(&t, cpu0, cpu1);
  litmus_teardown(&t);
}
