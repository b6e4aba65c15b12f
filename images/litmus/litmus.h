// The litmus image's harness: one user mm shared by a kthread on vCPU 0 and
// one on vCPU 1, frames with known contents, and step-by-step sequencing.
//
//   user mm:  X ──PTE──► frame A (every word FRAME_A_VALUE)   the contested page
//             Y ──PTE──► frame Y (every word FRAME_Y_VALUE)   another page
//             frame B (every word FRAME_B_VALUE): where cases repoint X
//
// A case is a TEST(litmus, <name>) whose two halves run as kthreads bound to
// vCPU 0 and vCPU 1, both inside the mm (kthread_use_mm). They take turns
// through one shared step counter: a half publishes step n when its part is
// done and waits for the other's next step. Observations go to the host with
// report_value("<case>.<what>", v), from the vCPU that made them; EXPECT_*
// checks only invariants that hold in every TLB mode (docs/litmus.md).
#pragma once

#include "guest/arch/x86/pgtable.h"
#include "guest/include/types.h"

struct mm_struct;
struct page;

inline constexpr unsigned long LITMUS_X = 0x10000000;
inline constexpr unsigned long LITMUS_Y = 0x10001000;
inline constexpr u64 FRAME_A_VALUE = 0xa0a0a0a0a0a0a0a0ull;
inline constexpr u64 FRAME_B_VALUE = 0xb0b0b0b0b0b0b0b0ull;
inline constexpr u64 FRAME_Y_VALUE = 0xc0c0c0c0c0c0c0c0ull;
// What read_user() returns for an access that faulted.
inline constexpr u64 LITMUS_FAULTED = ~0ull;

struct litmus {
  mm_struct* mm;
  page* frame_a;
  page* frame_b;
  page* frame_y;
  pte_t* x_ptep;   // X's PTE, through the page-table view
  int step;        // the last step published (shared by both halves)
  bool aborted;    // a half gave up waiting: the other stops at its next wait
  u64 timeout_ns;  // how long one wait may take (litmus.timeout_ms)
  u64 shared[4];   // observations one half hands the other for invariant checks
};

// Builds the mm (X -> A with x_prot, Y -> frame Y read-write) and the frames.
// False (with a failed expectation) when out of memory.
bool litmus_setup(litmus* t, pgprot_t x_prot);
// Frees the mm, its tables and the frames. Both halves have left the mm.
void litmus_teardown(litmus* t);

// Runs cpu0(t) in a kthread on vCPU 0 and cpu1(t) in one on vCPU 1, each
// inside t->mm, and returns when both have returned.
void litmus_run(litmus* t, void (*cpu0)(litmus*), void (*cpu1)(litmus*));

// Publishes step n.
void litmus_step(litmus* t, int n);
// Waits until step n is published (cond_resched_yield in between). False if
// the other half gave up or the wait timed out (a failed expectation): the
// caller returns at once.
[[nodiscard]] bool litmus_wait(litmus* t, int n);
// For busy loops that do their own waiting: true once the wait for step n
// has lasted longer than the timeout (reported as for litmus_wait()).
bool litmus_timed_out(litmus* t, int n, u64 start_ns);

// The calling kthread's accesses to its mm, never dying on a fault:
// read_user() returns LITMUS_FAULTED for a fault; write_user() returns 0 or
// -EFAULT.
u64 read_user(unsigned long va);
long write_user(unsigned long va, u64 value);

// Points X at frame (same rights, D clear) with a plain store under the page
// table lock, and flushes nothing.
void litmus_repoint_x(litmus* t, page* frame);
// Word 0 of a frame, read through the direct map (not through any TLB entry
// of the mm).
u64 frame_value(page* frame);
