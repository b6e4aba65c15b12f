// Ticket spinlock: fetch-and-add a ticket, wait (yielding) until it is served.
#include "guest/kernel/spinlock.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/kernel/sched.h"

void spin_lock(spinlock_t* lock) {
  u32 ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_ACQUIRE);
  while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket) hc_yield();
  current->locks_held++;
}

void spin_unlock(spinlock_t* lock) {
  current->locks_held--;
  // Only the holder writes owner, so a plain increment published with release suffices.
  __atomic_store_n(&lock->owner, lock->owner + 1, __ATOMIC_RELEASE);
}

bool spin_trylock(spinlock_t* lock) {
  u32 owner = __atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE);
  u32 expected = owner;
  if (!__atomic_compare_exchange_n(&lock->next, &expected, owner + 1, false, __ATOMIC_ACQUIRE,
                                   __ATOMIC_RELAXED))
    return false;
  current->locks_held++;
  return true;
}
