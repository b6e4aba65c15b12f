// Litmus permission_increase: a read-only PTE made writable without a flush;
// vCPU 1's write through its stale read-only entry takes one spurious #PF.
//
//   vCPU 1                           vCPU 0
//   read X -> A (cached read-only) (1)
//                                    PTE |= RW, no flush (2)
//                                    [permission_increase.made_writable]
//   write X: faults (#PFs the guest
//   handled for that write)        (3)
//                                    frame A's word 0: value
//
// SDM 4.10.4.3: raising rights needs no flush; the stale entry may fault once,
// and the fault itself drops it. The guest's #PF path finds the PTE allows
// the write and retries (arch/x86/fault.cpp); the retry walks and sets D.
#include "guest/arch/x86/fault.h"
#include "guest/kernel/report.h"
#include "guest/kernel/percpu.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "guest/mm/mm_types.h"
#include "images/litmus/litmus.h"

namespace {

enum step { READ_A = 1, MADE_WRITABLE, WRITTEN, DONE };

constexpr u64 WRITE_VALUE = 0x5151515151515151ull;

void cpu0(litmus* t) {
  if (!litmus_wait(t, READ_A)) return;
  {
    spin_guard guard(&t->mm->page_table_lock);
    set_pte(t->x_ptep, pte_mkwrite(ptep_get(t->x_ptep)));
  }
  mark("permission_increase.made_writable");
  litmus_step(t, MADE_WRITABLE);
  if (!litmus_wait(t, WRITTEN)) return;
  u64 v = frame_value(t->frame_a);
  report_value("permission_increase.value", v);
  EXPECT_EQ(v, WRITE_VALUE);  // the write succeeded, in every mode
  litmus_step(t, DONE);
}

void cpu1(litmus* t) {
  EXPECT_EQ(read_user(LITMUS_X), FRAME_A_VALUE);
  litmus_step(t, READ_A);
  if (!litmus_wait(t, MADE_WRITABLE)) return;
  const unsigned cpu = smp_processor_id();
  pf_stats before = page_fault_stats(cpu);
  long err = write_user(LITMUS_X, WRITE_VALUE);
  pf_stats after = page_fault_stats(cpu);
  u64 faults = after.guest_faults - before.guest_faults;
  report_value("permission_increase.faults", faults);
  EXPECT_EQ(err, 0);
  EXPECT_LE(faults, 1u);                                 // one stale entry, one fault
  EXPECT_EQ(after.spurious - before.spurious, faults);  // each was retried as spurious
  litmus_step(t, WRITTEN);
  if (!litmus_wait(t, DONE)) return;
}

}  // namespace

TEST(litmus, permission_increase) {
  if (nr_cpu_ids < 2) TEST_SKIP("needs 2 vCPUs");
  litmus t;
  ASSERT_TRUE(litmus_setup(&t, PAGE_READONLY));
  litmus_run(&t, cpu0, cpu1);
  litmus_teardown(&t);
}
