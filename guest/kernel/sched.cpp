// Per-CPU run queues and the cooperative schedule()/context switch.
#include "guest/kernel/sched.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/arch/x86/mmu_context.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/spinlock.h"
#include "guest/lib/string.h"
#include "guest/mm/mm_types.h"

extern "C" char boot_stacks[NR_CPUS][BOOT_STACK_SIZE];  // entry.S

namespace {

// A FIFO of runnable tasks that are not running. Zero is an empty queue, so
// other CPUs may queue work before this CPU has booted.
struct rq {
  spinlock_t lock;
  task_struct* head;
  task_struct* tail;
  unsigned nr_queued;
  task_struct* idle;  // runs when the queue is empty and current cannot (null on CPU 0)
};

DEFINE_PER_CPU(rq, runqueues);
DEFINE_PER_CPU(task_struct, boot_tasks);  // init (CPU 0) or idle task, on the boot stack

void enqueue(rq* q, task_struct* t) {
  t->run_next = nullptr;
  if (q->tail) q->tail->run_next = t;
  else q->head = t;
  q->tail = t;
  WRITE_ONCE(q->nr_queued, q->nr_queued + 1);
}

task_struct* dequeue(rq* q) {
  task_struct* t = q->head;
  if (!t) return nullptr;
  q->head = t->run_next;
  if (!q->head) q->tail = nullptr;
  WRITE_ONCE(q->nr_queued, q->nr_queued - 1);
  return t;
}

void finish_task_switch(task_struct* prev) {
  // From here prev's stack is free: a waiter in kthread_join() may free it.
  smp_store_release(&prev->on_cpu, 0);
}

void check_stack(task_struct* t) {
  if (*static_cast<const u64*>(t->stack) != STACK_END_MAGIC)
    panic("stack overflow in task %s (vCPU %u)", t->comm, t->cpu);
}

void context_switch(task_struct* prev, task_struct* next) {
  switch_mm(next->active_mm);
  next->on_cpu = 1;
  set_current(next);
  prev = __switch_to_asm(prev, next);
  finish_task_switch(prev);
}

}  // namespace

bool schedule() {
  task_struct* prev = current;
  if (prev->locks_held) panic("schedule() in %s with %d spinlock(s) held", prev->comm, prev->locks_held);
  check_stack(prev);
  rq* q = &this_cpu(runqueues);
  bool prev_runnable = READ_ONCE(prev->state) == TASK_RUNNING;
  if (prev_runnable && !READ_ONCE(q->nr_queued)) return false;  // nothing else to run

  task_struct* next;
  {
    spin_guard guard(&q->lock);
    next = dequeue(q);
    if (next && prev_runnable && !prev->is_idle) enqueue(q, prev);
    if (!next && !prev_runnable) next = q->idle;
  }
  if (!next) {
    if (!prev_runnable) panic("vCPU %u: %s exited with nothing left to run", prev->cpu, prev->comm);
    return false;
  }
  context_switch(prev, next);
  return true;
}

void cond_resched_yield() {
  schedule();
  hc_yield();
}

void wake_up_process(task_struct* t) {
  BUG_ON(t->state != TASK_NEW);
  rq* q = &per_cpu(runqueues, t->cpu);
  spin_guard guard(&q->lock);
  t->state = TASK_RUNNING;
  enqueue(q, t);
}

void do_task_exit(int code) {
  task_struct* t = current;
  t->exit_code = code;
  smp_store_release(&t->state, static_cast<long>(TASK_DEAD));
  schedule();
  BUG();
}

// First code a new task runs (from ret_from_fork_asm), on its own stack.
extern "C" [[noreturn]] void schedule_tail(task_struct* prev) {
  finish_task_switch(prev);
  task_struct* t = current;
  int ret = t->threadfn(t->data);
  if (t->mm) kthread_unuse_mm(t->mm);
  do_task_exit(ret);
}

void sched_prepare_task(task_struct* t) {
  // The frame __switch_to_asm pops (r15 r14 r13 r12 rbx rbp, return address),
  // placed so rsp is 16-byte aligned when ret_from_fork_asm calls into C++,
  // over a zero word that ends backtraces.
  auto top = reinterpret_cast<u64*>(static_cast<char*>(t->stack) + BOOT_STACK_SIZE);
  u64* sp = top - 9;
  for (int i = 0; i < 6; i++) sp[i] = 0;
  sp[6] = reinterpret_cast<u64>(&ret_from_fork_asm);
  sp[7] = sp[8] = 0;
  t->thread.sp = reinterpret_cast<u64>(sp);
  *static_cast<u64*>(t->stack) = STACK_END_MAGIC;
}

void sched_init_cpu(unsigned cpu, bool idle) {
  task_struct* t = &per_cpu(boot_tasks, cpu);
  t->state = TASK_RUNNING;
  t->cpu = cpu;
  t->on_cpu = 1;
  t->is_idle = idle;
  t->stack = boot_stacks[cpu];
  t->active_mm = &init_mm;
  *static_cast<u64*>(t->stack) = STACK_END_MAGIC;
  strlcpy(t->comm, idle ? "idle" : "init", sizeof(t->comm));
  per_cpu(runqueues, cpu).idle = idle ? t : nullptr;
  set_current(t);
}

void cpu_idle_loop() {
  rq* q = &this_cpu(runqueues);
  for (;;) {
    if (READ_ONCE(q->nr_queued)) schedule();
    else hc_yield();
  }
}
