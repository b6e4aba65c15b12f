// Fault signals for kernel threads (Linux's force_sig_fault(), reduced).
//
// A guest thread here is a kernel thread that uses a user mm; an access
// outside any VMA (or one its VMA forbids, or past the end of a mapped file)
// cannot kill a process, so the fault is recorded in the task as the signal
// Linux would send, and the access itself fails through the fixup table
// (uaccess.h: put_user_u64() returns -EFAULT). A scenario can then tell
// "my write faulted" from "my write succeeded".
#pragma once

#include "guest/include/types.h"

inline constexpr int SIGBUS = 7, SIGSEGV = 11;
inline constexpr int SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRERR = 2;

struct kernel_siginfo {
  int si_signo;  // 0: none pending
  int si_code;
  unsigned long si_addr;
};

// Records the signal in current (the latest one wins) and counts it.
void force_sig_fault(int signo, int code, unsigned long addr);
// The pending signal of current, cleared; si_signo 0 if none.
kernel_siginfo take_pending_signal();
// Signals current received since it started.
u64 task_signal_count();
