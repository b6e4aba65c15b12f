// Litmus capacity_evict: with --tlb-capacity 1, touching Y evicts X's entry,
// so a repoint without a flush is seen at once: eviction ends staleness.
//
//   vCPU 1                            vCPU 0
//   read X -> A, read Y (1)
//                                     X -> B, no flush (2)
//                                     [capacity_evict.repointed]
//   read X: value (3)
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "images/litmus/litmus.h"

namespace {

enum step { TOUCHED = 1, REPOINTED, DONE };

void cpu0(litmus* t) {
  if (!litmus_wait(t, TOUCHED)) return;
  litmus_repoint_x(t, t->frame_b);
  mark("capacity_evict.repointed");
  litmus_step(t, REPOINTED);
  if (!litmus_wait(t, DONE)) return;
}

void cpu1(litmus* t) {
  EXPECT_EQ(read_user(LITMUS_X), FRAME_A_VALUE);
  EXPECT_EQ(read_user(LITMUS_Y), FRAME_Y_VALUE);
  litmus_step(t, TOUCHED);
  if (!litmus_wait(t, REPOINTED)) return;
  u64 v = read_user(LITMUS_X);
  report_value("capacity_evict.value", v);
  EXPECT_TRUE(v == FRAME_A_VALUE || v == FRAME_B_VALUE);
  litmus_step(t, DONE);
}

}  // namespace

TEST(litmus, capacity_evict) {
  if (nr_cpu_ids < 2) TEST_SKIP("needs 2 vCPUs");
  litmus t;
  ASSERT_TRUE(litmus_setup(&t, PAGE_SHARED));
  litmus_run(&t, cpu0, cpu1);
  litmus_teardown(&t);
}
