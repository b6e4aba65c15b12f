// Litmus invlpg_local and cr3_reload: a local flush leaves other vCPUs' entries; a CR3 load drops them.
//
//   invlpg_local
//   vCPU 1                    vCPU 0
//   read X -> A          (1)
//                             read X -> A; X -> B; flush_tlb_one_user(X)
//                             [invlpg_local.flushed]; read X: vcpu0   (2)
//   read X: vcpu1        (3)
//
//   cr3_reload
//   vCPU 1                    vCPU 0
//   read X -> A          (1)
//                             X -> B; flush_tlb_one_user(X)           (2)
//   read X: before_reload
//   [cr3_reload.before_reload]; reload_cr3(); [cr3_reload.reloaded]
//   read X: vcpu1        (3)
#include "guest/arch/x86/mmu_context.h"
#include "guest/arch/x86/tlb.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "images/litmus/litmus.h"

namespace {

enum step { READ_A = 1, FLUSHED_LOCAL, DONE };

void invlpg_cpu0(litmus* t) {
  if (!litmus_wait(t, READ_A)) return;
  // Read, repoint and flush with no wait in between: a wait may switch to
  // another task of vCPU 0 and reload CR3, which would flush as well.
  EXPECT_EQ(read_user(LITMUS_X), FRAME_A_VALUE);
  litmus_repoint_x(t, t->frame_b);
  flush_tlb_one_user(LITMUS_X);
  mark("invlpg_local.flushed");
  u64 v = read_user(LITMUS_X);
  report_value("invlpg_local.vcpu0", v);
  EXPECT_EQ(v, FRAME_B_VALUE);  // its own flush, in every mode
  litmus_step(t, FLUSHED_LOCAL);
  if (!litmus_wait(t, DONE)) return;
}

void invlpg_cpu1(litmus* t) {
  EXPECT_EQ(read_user(LITMUS_X), FRAME_A_VALUE);
  litmus_step(t, READ_A);
  if (!litmus_wait(t, FLUSHED_LOCAL)) return;
  u64 v = read_user(LITMUS_X);
  report_value("invlpg_local.vcpu1", v);
  EXPECT_TRUE(v == FRAME_A_VALUE || v == FRAME_B_VALUE);
  litmus_step(t, DONE);
}

void cr3_cpu0(litmus* t) {
  if (!litmus_wait(t, READ_A)) return;
  litmus_repoint_x(t, t->frame_b);
  flush_tlb_one_user(LITMUS_X);
  litmus_step(t, FLUSHED_LOCAL);
  if (!litmus_wait(t, DONE)) return;
}

void cr3_cpu1(litmus* t) {
  EXPECT_EQ(read_user(LITMUS_X), FRAME_A_VALUE);
  litmus_step(t, READ_A);
  if (!litmus_wait(t, FLUSHED_LOCAL)) return;
  u64 before = read_user(LITMUS_X);
  report_value("cr3_reload.before_reload", before);
  EXPECT_TRUE(before == FRAME_A_VALUE || before == FRAME_B_VALUE);
  mark("cr3_reload.before_reload");
  reload_cr3();
  mark("cr3_reload.reloaded");
  u64 after = read_user(LITMUS_X);
  report_value("cr3_reload.vcpu1", after);
  EXPECT_EQ(after, FRAME_B_VALUE);  // a CR3 load drops every non-global entry
  litmus_step(t, DONE);
}

}  // namespace

TEST(litmus, invlpg_local) {
  if (nr_cpu_ids < 2) TEST_SKIP("needs 2 vCPUs");
  litmus t;
  ASSERT_TRUE(litmus_setup(&t, PAGE_SHARED));
  litmus_run(&t, invlpg_cpu0, invlpg_cpu1);
  litmus_teardown(&t);
}

TEST(litmus, cr3_reload) {
  if (nr_cpu_ids < 2) TEST_SKIP("needs 2 vCPUs");
  litmus t;
  ASSERT_TRUE(litmus_setup(&t, PAGE_SHARED));
  litmus_run(&t, cr3_cpu0, cr3_cpu1);
  litmus_teardown(&t);
}
