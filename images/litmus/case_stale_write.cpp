// Litmus stale_dirty_write and stale_clean_write: a PTE cleared without a
// flush while vCPU 1 caches X dirty (the lost-write hazard) or only clean.
//
//   vCPU 1                               vCPU 0
//   write X = 1 (dirty) | read X (clean) (1)
//                                        old = ptep_get_and_clear(X), no flush  (2)
//                                        [<case>.cleared]
//   write X = 2, no-fault:               (3)
//     second_write_faulted, fault_error_code
//     [<case>.second_write]
//                                        frame A's word 0: frame_a_value
//                                        flush_tlb_mm_range(X)           (4)
//   read X must fault now                (5)
//
// Dirty: the stale entry is writable and dirty, so in architectural mode the
// second write lands in A with no D bit set anywhere (DESIGN.md §2 rule 3).
// Clean: the write must re-walk (rule 2), find no PTE and fault, in every mode.
#include "guest/arch/x86/extable.h"
#include "guest/arch/x86/tlb.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "images/litmus/litmus.h"

namespace {

enum step { CACHED = 1, CLEARED, SECOND_WRITE, FLUSHED, DONE };
enum shared_slot { FAULTED };

constexpr u64 FIRST_VALUE = 1;
constexpr u64 SECOND_VALUE = 2;

void cpu0_dirty(litmus* t) {
  if (!litmus_wait(t, CACHED)) return;
  pte_t old = ptep_get_and_clear(t->mm, LITMUS_X, t->x_ptep);
  mark("stale_dirty_write.cleared", pte_val(old));
  report_value("stale_dirty_write.cleared_pte_dirty", pte_dirty(old));
  EXPECT_TRUE(pte_dirty(old));  // the first write set D before the clear, in every mode
  litmus_step(t, CLEARED);
  if (!litmus_wait(t, SECOND_WRITE)) return;
  u64 a = frame_value(t->frame_a);
  report_value("stale_dirty_write.frame_a_value", a);
  // Faulted: A keeps the first value; went through: A holds the second.
  EXPECT_EQ(a, t->shared[FAULTED] ? FIRST_VALUE : SECOND_VALUE);
  flush_tlb_mm_range(t->mm, LITMUS_X, LITMUS_X + PAGE_SIZE);
  litmus_step(t, FLUSHED);
  if (!litmus_wait(t, DONE)) return;
}

void cpu0_clean(litmus* t) {
  if (!litmus_wait(t, CACHED)) return;
  pte_t old = ptep_get_and_clear(t->mm, LITMUS_X, t->x_ptep);
  mark("stale_clean_write.cleared", pte_val(old));
  report_value("stale_clean_write.cleared_pte_dirty", pte_dirty(old));
  EXPECT_FALSE(pte_dirty(old));  // nothing wrote X
  litmus_step(t, CLEARED);
  if (!litmus_wait(t, SECOND_WRITE)) return;
  u64 a = frame_value(t->frame_a);
  report_value("stale_clean_write.frame_a_value", a);
  EXPECT_EQ(a, FRAME_A_VALUE);  // a clean entry never lets a write through
  flush_tlb_mm_range(t->mm, LITMUS_X, LITMUS_X + PAGE_SIZE);
  litmus_step(t, FLUSHED);
  if (!litmus_wait(t, DONE)) return;
}

struct write_keys {
  const char* faulted;     // <case>.second_write_faulted
  const char* error_code;  // <case>.fault_error_code
  const char* mark;        // <case>.second_write
};

// The second write and what follows, common to both cases. False if the
// other half gave up.
bool cpu1_second_write(litmus* t, const write_keys& keys) {
  litmus_step(t, CACHED);
  if (!litmus_wait(t, CLEARED)) return false;
  long err = write_user(LITMUS_X, SECOND_VALUE);
  mark(keys.mark, static_cast<u64>(err));
  t->shared[FAULTED] = err != 0;
  report_value(keys.faulted, err != 0);
  // Which fault: 3 (present, write) from an entry cached clean, 2 (not
  // present) once the clear reached this vCPU's TLB.
  if (err) report_value(keys.error_code, last_fault_info().error_code);
  litmus_step(t, SECOND_WRITE);
  if (!litmus_wait(t, FLUSHED)) return false;
  EXPECT_EQ(read_user(LITMUS_X), LITMUS_FAULTED);  // after the flush, no mode keeps X
  litmus_step(t, DONE);
  return true;
}

void cpu1_dirty(litmus* t) {
  EXPECT_EQ(write_user(LITMUS_X, FIRST_VALUE), 0);
  cpu1_second_write(t, {"stale_dirty_write.second_write_faulted", "stale_dirty_write.fault_error_code",
                        "stale_dirty_write.second_write"});
}

void cpu1_clean(litmus* t) {
  EXPECT_EQ(read_user(LITMUS_X), FRAME_A_VALUE);
  if (cpu1_second_write(t, {"stale_clean_write.second_write_faulted",
                            "stale_clean_write.fault_error_code", "stale_clean_write.second_write"}))
    EXPECT_EQ(t->shared[FAULTED], 1u);  // a clean entry must re-walk, and finds no PTE
}

}  // namespace

TEST(litmus, stale_dirty_write) {
  if (nr_cpu_ids < 2) TEST_SKIP("needs 2 vCPUs");
  litmus t;
  ASSERT_TRUE(litmus_setup(&t, PAGE_SHARED));
  litmus_run(&t, cpu0_dirty, cpu1_dirty);
  litmus_teardown(&t);
}

TEST(litmus, stale_clean_write) {
  if (nr_cpu_ids < 2) TEST_SKIP("needs 2 vCPUs");
  litmus t;
  ASSERT_TRUE(litmus_setup(&t, PAGE_SHARED));
  litmus_run(&t, cpu0_clean, cpu1_clean);
  litmus_teardown(&t);
}
