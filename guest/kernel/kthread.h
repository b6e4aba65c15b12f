// Kernel threads bound to one vCPU (Linux's kthread API), and kthread_use_mm().
//
//   task_struct* t = kthread_run_on_cpu(fn, arg, cpu, "worker");
//   ...
//   int ret = kthread_join(t);   // waits for fn to return; frees t
//
// A kthread runs fn(arg) on its CPU until fn returns (scheduling is
// cooperative: it runs until it waits or calls schedule()). Every kthread
// must be joined or stopped exactly once, which frees it.
#pragma once

#include "guest/kernel/sched.h"

// Creates a stopped kthread (TASK_NEW) bound to cpu; wake_up_process() starts
// it. Returns null when out of memory or cpu is not below nr_cpu_ids.
// name (at most 15 characters kept) shows in crash reports.
task_struct* kthread_create_on_cpu(int (*fn)(void*), void* arg, unsigned cpu,
                                   const char* name = "kthread");
task_struct* kthread_run_on_cpu(int (*fn)(void*), void* arg, unsigned cpu,
                                const char* name = "kthread");

// Waits until t has exited (waking it first if it is still TASK_NEW), frees
// it, returns fn's result. A kthread that exits with an mm in use drops it.
int kthread_join(task_struct* t);
// Sets kthread_should_stop() for t, then kthread_join(t). A thread never
// woken is woken by the join, so fn runs and sees the request at once.
int kthread_stop(task_struct* t);
bool kthread_should_stop();

// Runs the calling kthread on mm's address space: loads mm's root on this CPU
// (HC_MMU_LOAD_CR3) and keeps it across schedule(). Kernel addresses stay
// valid (mm shares init_mm's upper half). Takes a reference on mm.
void kthread_use_mm(mm_struct* mm);
void kthread_unuse_mm(mm_struct* mm);
