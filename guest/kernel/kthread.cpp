// kthread creation, join/stop, and running a kthread on a user mm.
#include "guest/kernel/kthread.h"

#include "guest/arch/x86/mmu_context.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/smp.h"
#include "guest/lib/string.h"
#include "guest/mm/mm.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/slab.h"

static_assert((PAGE_SIZE << THREAD_SIZE_ORDER) == BOOT_STACK_SIZE,
              "kthread and boot stacks have one size (backtraces rely on it)");

task_struct* kthread_create_on_cpu(int (*fn)(void*), void* arg, unsigned cpu, const char* name) {
  if (cpu >= nr_cpu_ids) return nullptr;
  auto* t = static_cast<task_struct*>(kzalloc(sizeof(task_struct)));
  if (!t) return nullptr;
  page* stack = alloc_pages(GFP_KERNEL, THREAD_SIZE_ORDER);
  if (!stack) {
    kfree(t);
    return nullptr;
  }
  t->state = TASK_NEW;
  t->cpu = cpu;
  t->stack = page_address(stack);
  t->active_mm = &init_mm;
  t->threadfn = fn;
  t->data = arg;
  strlcpy(t->comm, name ? name : "kthread", sizeof(t->comm));
  sched_prepare_task(t);
  return t;
}

task_struct* kthread_run_on_cpu(int (*fn)(void*), void* arg, unsigned cpu, const char* name) {
  task_struct* t = kthread_create_on_cpu(fn, arg, cpu, name);
  if (t) wake_up_process(t);
  return t;
}

int kthread_join(task_struct* t) {
  BUG_ON(t == current);
  if (READ_ONCE(t->state) == TASK_NEW) wake_up_process(t);
  // Dead is not enough: its CPU may still be switching away on its stack.
  while (smp_load_acquire(&t->state) != TASK_DEAD || smp_load_acquire(&t->on_cpu))
    cond_resched_yield();
  int ret = t->exit_code;
  __free_pages(virt_to_page(t->stack), THREAD_SIZE_ORDER);
  kfree(t);
  return ret;
}

int kthread_stop(task_struct* t) {
  __atomic_store_n(&t->should_stop, true, __ATOMIC_RELEASE);
  return kthread_join(t);
}

bool kthread_should_stop() { return __atomic_load_n(&current->should_stop, __ATOMIC_ACQUIRE); }

void kthread_use_mm(mm_struct* mm) {
  task_struct* t = current;
  BUG_ON(t->mm);
  mmget(mm);
  t->mm = mm;
  t->active_mm = mm;
  switch_mm(mm);
}

void kthread_unuse_mm(mm_struct* mm) {
  task_struct* t = current;
  BUG_ON(t->mm != mm);
  t->mm = nullptr;
  t->active_mm = &init_mm;
  switch_mm(&init_mm);
  mmput(mm);
}
