// Litmus harness: fixture construction, the two kthreads, step waits with timeouts.
#include "images/litmus/litmus.h"

#include "guest/arch/x86/extable.h"
#include "guest/arch/x86/hypercall.h"
#include "guest/include/errno.h"
#include "guest/kernel/cmdline.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/test.h"
#include "guest/lib/string.h"
#include "guest/mm/memory.h"
#include "guest/mm/mm.h"
#include "guest/mm/page_alloc.h"

namespace {

constexpr u64 DEFAULT_TIMEOUT_MS = 10000;
// A wait reads the clock (an exit) only this often.
constexpr unsigned CLOCK_EVERY = 32;

page* alloc_filled(u8 byte) {
  page* p = alloc_page(GFP_KERNEL);
  if (p) memset(page_address(p), byte, PAGE_SIZE);
  return p;
}

struct half {
  litmus* t;
  void (*fn)(litmus*);
};

int half_thread(void* arg) {
  auto* h = static_cast<half*>(arg);
  kthread_use_mm(h->t->mm);
  h->fn(h->t);
  kthread_unuse_mm(h->t->mm);
  return 0;
}

void give_up(litmus* t, int n, const char* why) {
  bool first = !__atomic_exchange_n(&t->aborted, true, __ATOMIC_ACQ_REL);
  // Only the half that gave up first reports: the other just follows.
  if (first) ::ktest::fail(__FILE__, __LINE__, why, static_cast<u64>(n), static_cast<u64>(READ_ONCE(t->step)));
}

}  // namespace

bool litmus_setup(litmus* t, pgprot_t x_prot) {
  *t = litmus{};
  t->timeout_ns = cmdline_get_u64("litmus.timeout_ms", DEFAULT_TIMEOUT_MS) * 1000000;
  t->mm = mm_alloc();
  t->frame_a = alloc_filled(0xa0);
  t->frame_b = alloc_filled(0xb0);
  t->frame_y = alloc_filled(0xc0);
  bool ok = t->mm && t->frame_a && t->frame_b && t->frame_y &&
            map_page(t->mm, LITMUS_X, page_to_phys(t->frame_a), x_prot) == 0 &&
            map_page(t->mm, LITMUS_Y, page_to_phys(t->frame_y), PAGE_SHARED) == 0;
  pt_walk w;
  if (ok && walk_page_table(t->mm, LITMUS_X, &w) == 0)
    t->x_ptep = static_cast<pte_t*>(const_cast<void*>(w.entryp));
  EXPECT_TRUE(ok && t->x_ptep);
  if (ok && t->x_ptep) return true;
  litmus_teardown(t);
  return false;
}

void litmus_teardown(litmus* t) {
  if (t->mm) mmput(t->mm);
  page* frames[] = {t->frame_a, t->frame_b, t->frame_y};
  for (page* p : frames)
    if (p) __free_page(p);
  *t = litmus{};
}

void litmus_run(litmus* t, void (*cpu0)(litmus*), void (*cpu1)(litmus*)) {
  half h0{t, cpu0}, h1{t, cpu1};
  task_struct* k1 = kthread_run_on_cpu(half_thread, &h1, 1, "litmus/1");
  task_struct* k0 = kthread_run_on_cpu(half_thread, &h0, 0, "litmus/0");
  EXPECT_TRUE(k0 && k1);
  if (!k0 || !k1) {
    // Neither half can finish its protocol alone: stop the one that started.
    __atomic_store_n(&t->aborted, true, __ATOMIC_RELEASE);
  }
  if (k1) kthread_join(k1);
  if (k0) kthread_join(k0);
}

void litmus_step(litmus* t, int n) { smp_store_release(&t->step, n); }

bool litmus_wait(litmus* t, int n) {
  u64 start = hc_clock_ns();
  for (unsigned i = 1;; i++) {
    if (smp_load_acquire(&t->step) >= n) return true;
    if (__atomic_load_n(&t->aborted, __ATOMIC_ACQUIRE)) return false;
    if (i % CLOCK_EVERY == 0 && litmus_timed_out(t, n, start)) return false;
    cond_resched_yield();
  }
}

bool litmus_timed_out(litmus* t, int n, u64 start_ns) {
  if (__atomic_load_n(&t->aborted, __ATOMIC_ACQUIRE)) return true;
  if (hc_clock_ns() - start_ns < t->timeout_ns) return false;
  if (smp_load_acquire(&t->step) >= n) return false;  // arrived while the clock was read
  give_up(t, n, "litmus: timed out waiting for step (lhs: step awaited, rhs: step reached)");
  return true;
}

u64 read_user(unsigned long va) {
  u64 v;
  return read_u64_nofault(reinterpret_cast<void*>(va), &v) ? LITMUS_FAULTED : v;
}

long write_user(unsigned long va, u64 value) { return write_u64_nofault(reinterpret_cast<void*>(va), value); }

void litmus_repoint_x(litmus* t, page* frame) {
  spin_guard guard(&t->mm->page_table_lock);
  // Same rights; not dirty: nothing has written the new frame through X.
  pte_t old = ptep_get(t->x_ptep);
  set_pte(t->x_ptep, pfn_pte(page_to_pfn(frame), __pgprot(pte_flags(old) & ~_PAGE_DIRTY)));
}

u64 frame_value(page* frame) { return READ_ONCE(*static_cast<u64*>(page_address(frame))); }
