// Atomics for the guest kernel (Linux's atomic_t and barriers), on GCC builtins.
//
// x86 is TSO (SDM vol. 3, 10.2): acquire/release cost nothing beyond ordinary
// moves, so these compile to plain loads/stores and `lock`-prefixed RMWs.
#pragma once

#include "guest/include/types.h"

#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

struct atomic_t {
  int counter = 0;
};

struct atomic64_t {
  s64 counter = 0;
};

inline int atomic_read(const atomic_t* v) { return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }
inline void atomic_set(atomic_t* v, int i) { __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }
inline int atomic_add_return(int i, atomic_t* v) {
  return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}
inline int atomic_fetch_add(int i, atomic_t* v) {
  return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST);
}
inline void atomic_inc(atomic_t* v) { atomic_add_return(1, v); }
inline void atomic_dec(atomic_t* v) { atomic_add_return(-1, v); }
inline bool atomic_dec_and_test(atomic_t* v) { return atomic_add_return(-1, v) == 0; }
inline int atomic_xchg(atomic_t* v, int n) { return __atomic_exchange_n(&v->counter, n, __ATOMIC_SEQ_CST); }
inline int atomic_cmpxchg(atomic_t* v, int old, int n) {
  __atomic_compare_exchange_n(&v->counter, &old, n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return old;
}

inline s64 atomic64_read(const atomic64_t* v) { return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }
inline void atomic64_set(atomic64_t* v, s64 i) { __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }
inline s64 atomic64_add_return(s64 i, atomic64_t* v) {
  return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}
inline void atomic64_inc(atomic64_t* v) { atomic64_add_return(1, v); }
