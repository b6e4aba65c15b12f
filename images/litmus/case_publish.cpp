// Litmus publish: repoint, write-protect and remove a mapping vCPU 1 has just
// used; vCPU 1 must see each change once the shootdown returns, and (in
// architectural mode) not before: the VMM's rule for publishing real-table
// edits, checked through guest-visible values.
//
//   vCPU 1                               vCPU 0
//   write X (A, entry dirty)       (1)
//                                        X -> B, no flush; shoot down     (2)
//   write X, read X: repointed      (3)  [publish.repointed]
//                                        X read-only, no flush            (4)
//   write X: wp_before_faulted      (5)
//                                        shoot down                       (6)
//   write X: wp_after_faulted; read X (7)
//                                        X cleared, no flush              (8)
//   read X: removed_before          (9)
//                                        shoot down                       (10)
//   read X: removed_after           (11)
#include "guest/arch/x86/tlb.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "images/litmus/litmus.h"

namespace {

enum step {
  WROTE_A = 1, REPOINTED, WROTE_B, PROTECTED, WROTE_PROTECTED, PROTECT_SHOT, WROTE_AFTER,
  REMOVED, READ_REMOVED, REMOVE_SHOT, DONE
};

void shoot_down_vcpu1() {
  cpumask_t target{};
  cpumask_set_cpu(1, &target);
  EXPECT_EQ(flush_tlb_others(&target, LITMUS_X, 1), 0);
}

void cpu0(litmus* t) {
  if (!litmus_wait(t, WROTE_A)) return;
  litmus_repoint_x(t, t->frame_b);
  shoot_down_vcpu1();
  mark("publish.repointed");
  litmus_step(t, REPOINTED);

  if (!litmus_wait(t, WROTE_B)) return;
  set_pte(t->x_ptep, pte_wrprotect(ptep_get(t->x_ptep)));
  litmus_step(t, PROTECTED);
  if (!litmus_wait(t, WROTE_PROTECTED)) return;
  shoot_down_vcpu1();
  litmus_step(t, PROTECT_SHOT);

  if (!litmus_wait(t, WROTE_AFTER)) return;
  (void)ptep_get_and_clear(t->mm, LITMUS_X, t->x_ptep);
  litmus_step(t, REMOVED);
  if (!litmus_wait(t, READ_REMOVED)) return;
  shoot_down_vcpu1();
  litmus_step(t, REMOVE_SHOT);
  if (!litmus_wait(t, DONE)) return;
}

void cpu1(litmus* t) {
  EXPECT_EQ(write_user(LITMUS_X, 0xa1), 0);
  litmus_step(t, WROTE_A);

  // Repointed and published: the write goes to B, and A keeps what it had.
  if (!litmus_wait(t, REPOINTED)) return;
  EXPECT_EQ(write_user(LITMUS_X, 0xb1), 0);
  report_value("publish.repointed_read", read_user(LITMUS_X));
  report_value("publish.repointed_frame_a", frame_value(t->frame_a));
  litmus_step(t, WROTE_B);

  // Write-protected, not yet published: the dirty entry still allows the write
  // (architectural) or is already gone (coherent).
  if (!litmus_wait(t, PROTECTED)) return;
  report_value("publish.wp_before_faulted", write_user(LITMUS_X, 0xb2) != 0);
  litmus_step(t, WROTE_PROTECTED);
  if (!litmus_wait(t, PROTECT_SHOT)) return;
  report_value("publish.wp_after_faulted", write_user(LITMUS_X, 0xb3) != 0);
  (void)read_user(LITMUS_X);  // X back in this TLB (read-only) before it is removed
  litmus_step(t, WROTE_AFTER);

  // Removed, not yet published; then published.
  if (!litmus_wait(t, REMOVED)) return;
  report_value("publish.removed_before", read_user(LITMUS_X));
  litmus_step(t, READ_REMOVED);
  if (!litmus_wait(t, REMOVE_SHOT)) return;
  report_value("publish.removed_after", read_user(LITMUS_X));
  litmus_step(t, DONE);
}

}  // namespace

TEST(litmus, publish) {
  if (nr_cpu_ids < 2) TEST_SKIP("needs 2 vCPUs");
  litmus t;
  ASSERT_TRUE(litmus_setup(&t, PAGE_SHARED));
  litmus_run(&t, cpu0, cpu1);
  litmus_teardown(&t);
}
