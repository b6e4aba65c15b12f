// Completions (Linux's struct completion): wait until another task signals.
#pragma once

#include "guest/include/atomic.h"
#include "guest/kernel/sched.h"

struct completion {
  unsigned done = 0;
};

inline void init_completion(completion* x) { __atomic_store_n(&x->done, 0u, __ATOMIC_RELEASE); }

// Wakes one waiter (every call counts, as in Linux).
inline void complete(completion* x) { __atomic_fetch_add(&x->done, 1u, __ATOMIC_RELEASE); }
// Wakes all waiters, now and later.
inline void complete_all(completion* x) { __atomic_store_n(&x->done, ~0u / 2, __ATOMIC_RELEASE); }

// Waits (running this CPU's other tasks, yielding the vCPU) until done > 0,
// then consumes one count.
inline void wait_for_completion(completion* x) {
  for (;;) {
    unsigned d = __atomic_load_n(&x->done, __ATOMIC_ACQUIRE);
    if (d && __atomic_compare_exchange_n(&x->done, &d, d - 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
      return;
    if (!d) cond_resched_yield();
  }
}
