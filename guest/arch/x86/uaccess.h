// Accessing user memory from a kernel thread that uses a user mm (Linux's get_user/put_user).
//
// A fault is resolved by handle_mm_fault() when a VMA allows the access;
// otherwise the task gets the signal Linux would send (kernel/signal.h) and
// the call returns -EFAULT instead of the kernel dying.
#pragma once

#include "guest/arch/x86/extable.h"

inline long put_user_u64(u64 val, unsigned long uaddr) {
  return write_u64_nofault(reinterpret_cast<volatile u64*>(uaddr), val);
}
inline long get_user_u64(u64* val, unsigned long uaddr) {
  return read_u64_nofault(reinterpret_cast<const volatile u64*>(uaddr), val);
}
