// Tasks and the per-CPU cooperative scheduler (Linux's task_struct and schedule()).
//
// There are no interrupts (no irqchip, no timer), so a task runs until it
// calls schedule(), waits, or exits. Every task is bound to one CPU for its
// whole life: each CPU has its own run queue and only that CPU picks from it.
//
//   CPU 0:       init task (boot stack) runs image_main(); kthreads bound to
//                CPU 0 run when it waits.
//   CPU 1..n-1:  idle task (boot stack) loops: run queued kthreads, else
//                HC_YIELD.
#pragma once

#include "guest/arch/x86/asm_defs.h"
#include "guest/include/types.h"
#include "guest/kernel/percpu.h"
#include "guest/kernel/signal.h"

struct mm_struct;

enum task_state : long {
  TASK_RUNNING = 0,  // runnable or running
  TASK_NEW = 1,      // created, not yet woken
  TASK_DEAD = 2,     // exited; its stack may still be in use until on_cpu drops
};

struct thread_struct {
  unsigned long sp;  // saved stack pointer while switched out
};

inline constexpr unsigned TASK_COMM_LEN = 16;

struct task_struct {
  thread_struct thread;  // first: switch_to.S reads thread.sp at TASK_THREAD_SP
  long state;            // enum task_state; read by other CPUs
  unsigned int cpu;      // the CPU it is bound to
  int on_cpu;            // 1 while its stack is in use by its CPU
  int locks_held;        // spinlocks held; schedule() with one held is a bug
  bool is_idle;
  bool should_stop;      // kthread_stop() asked it to finish
  int exit_code;
  task_struct* run_next;  // run-queue link
  void* stack;            // lowest address of the stack (STACK_END_MAGIC there)
  mm_struct* mm;          // the user address space in use (kthread_use_mm), or null
  mm_struct* active_mm;   // the address space loaded while it runs
  int (*threadfn)(void*);
  void* data;
  kernel_siginfo pending_signal;  // the last fault signal (kernel/signal.h)
  u64 nr_signals;
  char comm[TASK_COMM_LEN];
};
static_assert(offsetof(task_struct, thread.sp) == TASK_THREAD_SP);

inline constexpr u64 STACK_END_MAGIC = 0x57ac6e9d57ac6e9dull;

// Runs another runnable task of this CPU if there is one; returns when this
// task is picked again (or at once if nothing else is runnable). Returns true
// if another task ran.
bool schedule();

// The wait loop every waiter uses: let this CPU's other tasks run, and tell
// the VMM this vCPU is waiting (HC_YIELD) so other vCPUs' threads get the host.
void cond_resched_yield();

// Queues a TASK_NEW task on its CPU's run queue.
void wake_up_process(task_struct* t);

// Never returns: marks current dead and switches away.
[[noreturn]] void do_task_exit(int code);

// Boot: make this CPU's boot context its init (cpu 0) or idle task.
void sched_init_cpu(unsigned cpu, bool idle);
[[noreturn]] void cpu_idle_loop();

// Sets up a new task's stack so that its first switch-in calls fn(data).
void sched_prepare_task(task_struct* t);

extern "C" task_struct* __switch_to_asm(task_struct* prev, task_struct* next);
extern "C" void ret_from_fork_asm();
