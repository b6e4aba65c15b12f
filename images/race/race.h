// What the race scenarios share: the start gate, waiting on a flag, the verdict.
//
// The scenarios run the same code free-running (every vCPU at once, as on
// hardware) and controlled (the VMM runs one vCPU at a time through the
// image's schedule, docs/scheduling.md). Threads wait with yielding loops,
// never with a lock held, so both modes work.
#pragma once

#include "guest/include/types.h"
#include "guest/mm/vma.h"

// Where mremap moves the mapping: 2 MiB aligned, far from anything mmap picks.
inline constexpr unsigned long RACE_Y = MMAP_BASE + (64ul << 30);

// Every thread calls race_gate_wait() when it is set up; thread 1 opens the
// gate once all have arrived, and sends mark("race.begin"), where a schedule's
// steps start.
struct race_gate {
  int arrived;
  int open;
};
void race_gate_wait(race_gate* g);
void race_gate_open(race_gate* g, int threads);

// Waits (yielding) until *flag >= value.
void race_wait_for(const int* flag, int value);
void race_set(int* flag, int value);

struct mm_struct;

// Thread 2 of both scenarios: on mm, after the gate, mremap(x -> RACE_Y, len)
// and report it done. *done is set before the mark "race.t2.done", where a
// schedule's step ends (mmap_lock is free again by then).
struct race_mover {
  mm_struct* mm;
  unsigned long x, len;
  race_gate* gate;
  int* done;
};
int race_mremap_thread(void* mover);

// The seed's verdict from guest-visible data: the write of `second` did not
// fault, yet the value read back is `first`.
void race_report_verdict(u64 read_back, u64 first, u64 second, long second_write_result);
