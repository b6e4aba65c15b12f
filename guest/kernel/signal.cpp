// Recording fault signals in the task that took the fault.
#include "guest/kernel/signal.h"

#include "guest/kernel/report.h"
#include "guest/kernel/sched.h"

void force_sig_fault(int signo, int code, unsigned long addr) {
  task_struct* t = current;
  t->pending_signal = {signo, code, addr};
  t->nr_signals++;
  mark(signo == SIGBUS ? "signal.sigbus" : "signal.sigsegv", addr);
}

kernel_siginfo take_pending_signal() {
  task_struct* t = current;
  kernel_siginfo info = t->pending_signal;
  t->pending_signal = {};
  return info;
}

u64 task_signal_count() { return current->nr_signals; }
