// Litmus rmw_stress: vCPU 0's locked RMWs on X's PTE race vCPU 1's first
// writes, whose D-bit update the VMM makes; no D bit may ever be lost.
//
// One round (r = 0 .. litmus.rmw_rounds-1):
//
//   vCPU 1                             vCPU 0
//                                      quiet: xchg(PTE, same value);
//                                             lock cmpxchg clears D    go(r)
//   flush_tlb_one_user(X)
//   [odd r: read X: a clean entry]
//   write X = r: a walk that sets D    race: lock cmpxchg (bit 9 toggle),
//                            done(r)         lock bts/btr (bit 10),
//                                            lock or/and (bit 11), until done(r)
//                                      PTE has D? else lost_dirty_bits++
//
// Every RMW in the race preserves bits it does not target, so on a machine
// that keeps them atomic D survives; a VMM that performs one as a read exit
// and a later write exit with its own D update in between loses it. xchg
// runs only in the quiet phase: an xchg of a value read earlier would clear
// a D set meanwhile on any machine (a guest bug, not a VMM test).
#include "guest/arch/x86/tlb.h"
#include "guest/arch/x86/hypercall.h"
#include "guest/include/atomic.h"
#include "guest/kernel/cmdline.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/kernel/test.h"
#include "guest/mm/page_alloc.h"
#include "images/litmus/litmus.h"

namespace {

constexpr u64 DEFAULT_ROUNDS = 10000;
// The race loop checks its timeout (a clock exit) only this often.
constexpr unsigned CLOCK_EVERY = 64;

constexpr int go(u64 r) { return static_cast<int>(2 * r + 1); }
constexpr int done(u64 r) { return static_cast<int>(2 * r + 2); }

enum shared_slot { ROUNDS };

// One D-preserving locked RMW on ptep; cur is vCPU 0's idea of the PTE, which
// a failed cmpxchg refreshes.
void race_rmw(pte_t* ptep, pte_t& cur, unsigned i) {
  switch (i % 6) {
    case 0:
    case 3: {
      pte_t next = __pte(pte_val(cur) ^ _PAGE_SOFTW1);
      if (ptep_try_cmpxchg(ptep, &cur, next)) cur = next;
      break;
    }
    case 1: ptep_set_bit(_PAGE_BIT_SOFTW2, ptep); break;
    case 4: ptep_clear_bit(_PAGE_BIT_SOFTW2, ptep); break;
    case 2: ptep_set_flags(ptep, _PAGE_SOFTW3); break;
    case 5: ptep_clear_flags(ptep, _PAGE_SOFTW3); break;
  }
}

void cpu0(litmus* t) {
  const u64 rounds = t->shared[ROUNDS];
  pte_t* ptep = t->x_ptep;
  u64 lost = 0, ops = 0, xchg_changed = 0, r = 0;
  mark("rmw_stress.start", rounds);
  for (; r < rounds; r++) {
    // Quiet: vCPU 1 waits for go(r) and touches neither X nor its PTE.
    pte_t cur = ptep_get(ptep);
    if (pte_val(ptep_xchg(ptep, cur)) != pte_val(cur)) xchg_changed++;
    while (!ptep_try_cmpxchg(ptep, &cur, pte_mkclean(cur))) {
    }
    cur = pte_mkclean(cur);
    litmus_step(t, go(r));
    const u64 start = hc_clock_ns();
    unsigned i = 0;
    while (smp_load_acquire(&t->step) < done(r)) {
      race_rmw(ptep, cur, i++);
      if (i % CLOCK_EVERY == 0 && litmus_timed_out(t, done(r), start)) break;
    }
    ops += i;
    if (smp_load_acquire(&t->step) < done(r)) break;  // vCPU 1 gave up or timed out
    if (!pte_dirty(ptep_get(ptep))) lost++;
  }
  mark("rmw_stress.end", lost);
  report_value("rmw_stress.rounds", r);
  report_value("rmw_stress.lost_dirty_bits", lost);
  report_value("rmw_stress.rmw_ops", ops);
  EXPECT_EQ(r, rounds);
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(xchg_changed, 0u);  // nobody else writes the PTE in the quiet phase
  EXPECT_EQ(pte_pfn(ptep_get(ptep)), page_to_pfn(t->frame_a));
}

void cpu1(litmus* t) {
  const u64 rounds = t->shared[ROUNDS];
  u64 failed_writes = 0;
  for (u64 r = 0; r < rounds; r++) {
    if (!litmus_wait(t, go(r))) break;
    // Drop last round's dirty entry: the write must walk and set D afresh.
    flush_tlb_one_user(LITMUS_X);
    // Odd rounds first cache a clean entry, so the write takes the
    // clean-to-dirty re-walk (DESIGN.md §2 rule 2) instead of a plain fill.
    if (r & 1) read_user(LITMUS_X);
    if (write_user(LITMUS_X, r)) failed_writes++;
    litmus_step(t, done(r));
  }
  EXPECT_EQ(failed_writes, 0u);
}

}  // namespace

TEST(litmus, rmw_stress) {
  if (nr_cpu_ids < 2) TEST_SKIP("needs 2 vCPUs");
  litmus t;
  ASSERT_TRUE(litmus_setup(&t, PAGE_SHARED));
  t.shared[ROUNDS] = cmdline_get_u64("litmus.rmw_rounds", DEFAULT_ROUNDS);
  litmus_run(&t, cpu0, cpu1);
  litmus_teardown(&t);
}
