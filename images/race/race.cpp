// The race scenarios' gate, flags and verdict.
#include "images/race/race.h"

#include "guest/kernel/kthread.h"
#include "guest/kernel/report.h"
#include "guest/mm/mmap.h"
#include "guest/kernel/sched.h"

void race_gate_wait(race_gate* g) {
  __atomic_fetch_add(&g->arrived, 1, __ATOMIC_ACQ_REL);
  race_wait_for(&g->open, 1);
}

void race_gate_open(race_gate* g, int threads) {
  race_wait_for(&g->arrived, threads);
  race_set(&g->open, 1);
  mark("race.begin");
}

void race_wait_for(const int* flag, int value) {
  while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) < value) cond_resched_yield();
}

void race_set(int* flag, int value) { __atomic_store_n(flag, value, __ATOMIC_RELEASE); }

int race_mremap_thread(void* arg) {
  auto* m = static_cast<race_mover*>(arg);
  kthread_use_mm(m->mm);
  race_gate_wait(m->gate);
  unsigned long y = sys_mremap(m->x, m->len, m->len, MREMAP_MAYMOVE | MREMAP_FIXED, RACE_Y);
  race_set(m->done, 1);  // before the mark: a schedule's step ends at it
  mark("race.t2.done", y);
  kthread_unuse_mm(m->mm);
  return IS_ERR_VALUE(y) ? 1 : 0;
}

void race_report_verdict(u64 read_back, u64 first, u64 second, long second_write_result) {
  const u64 evidence[] = {read_back, second, static_cast<u64>(second_write_result)};
  bool faulted = second_write_result != 0;
  if (read_back == first && !faulted) {
    report_verdict("lost_write", "the write of 2 did not fault, yet 1 was read back", evidence, 3);
  } else if (faulted) {
    report_verdict("ok", "the write of 2 faulted: the old address was gone", evidence, 3);
  } else {
    report_verdict("ok", "the write of 2 reached the page", evidence, 3);
  }
}
