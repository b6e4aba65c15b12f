// Ticket spinlocks whose slow path yields the vCPU to the VMM.
//
// DESIGN.md §4: in controlled mode the VMM runs one vCPU at a time, so a lock
// that spins without telling the VMM would deadlock; every wait iteration is
// an HC_YIELD. Ticket order also makes the hand-over order deterministic.
// Scheduling is cooperative: holding a spinlock across schedule() is a bug and
// schedule() checks it (task_struct::locks_held).
#pragma once

#include "guest/include/types.h"

struct spinlock_t {
  u32 owner = 0;  // ticket now served
  u32 next = 0;   // next ticket to hand out
};

#define DEFINE_SPINLOCK(name) constinit spinlock_t name{}

void spin_lock(spinlock_t* lock);
void spin_unlock(spinlock_t* lock);
[[nodiscard]] bool spin_trylock(spinlock_t* lock);

inline bool spin_is_locked(const spinlock_t* lock) {
  return __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != __atomic_load_n(&lock->next, __ATOMIC_RELAXED);
}

// Scoped holder: `spin_guard g(&lock);` releases at the end of the scope.
class spin_guard {
 public:
  explicit spin_guard(spinlock_t* l) : lock_(l) { spin_lock(lock_); }
  ~spin_guard() { spin_unlock(lock_); }
  spin_guard(const spin_guard&) = delete;
  spin_guard& operator=(const spin_guard&) = delete;

 private:
  spinlock_t* lock_;
};
