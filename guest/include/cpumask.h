// Sets of vCPUs (Linux's cpumask), one bit per vCPU id below MAX_VCPUS.
#pragma once

#include "abi/memory_layout.h"
#include "guest/include/types.h"

inline constexpr unsigned NR_CPUS = shadowtlb::abi::MAX_VCPUS;
static_assert(NR_CPUS <= 64, "cpumask_t holds one 64-bit word");

struct cpumask_t {
  u64 bits = 0;
};

inline void cpumask_set_cpu(unsigned cpu, cpumask_t* m) {
  __atomic_fetch_or(&m->bits, u64{1} << cpu, __ATOMIC_SEQ_CST);
}
inline void cpumask_clear_cpu(unsigned cpu, cpumask_t* m) {
  __atomic_fetch_and(&m->bits, ~(u64{1} << cpu), __ATOMIC_SEQ_CST);
}
inline bool cpumask_test_cpu(unsigned cpu, const cpumask_t* m) {
  return (__atomic_load_n(&m->bits, __ATOMIC_ACQUIRE) >> cpu) & 1;
}
inline unsigned cpumask_weight(const cpumask_t* m) {
  return static_cast<unsigned>(__builtin_popcountll(__atomic_load_n(&m->bits, __ATOMIC_ACQUIRE)));
}
inline bool cpumask_empty(const cpumask_t* m) { return __atomic_load_n(&m->bits, __ATOMIC_ACQUIRE) == 0; }

// Iterates over a snapshot of the mask taken when the loop starts.
#define for_each_cpu(cpu, mask)                                                          \
  for (u64 __m = __atomic_load_n(&(mask)->bits, __ATOMIC_ACQUIRE);                       \
       __m && ((cpu) = static_cast<unsigned>(__builtin_ctzll(__m)), true); __m &= __m - 1)
