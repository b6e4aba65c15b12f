// Per-CPU variables, and the hot per-CPU fields reached through %gs.
//
// DEFINE_PER_CPU(type, name) makes one cache-line-aligned slot per possible
// vCPU (a static array: RAM and BSS arrive zeroed, so there is nothing to copy
// at boot). Access with per_cpu(name, cpu) or this_cpu(name). Tasks never
// migrate between CPUs, so this_cpu() stays valid for the whole task.
//
// %gs points at this CPU's pcpu_hot (set by cpu_init() with MSR_GS_BASE), so
// smp_processor_id() and current are one instruction each, as in Linux.
#pragma once

#include "guest/include/cpumask.h"
#include "guest/include/types.h"

struct task_struct;

template <typename T>
struct alignas(64) percpu_slot {
  T value;
};

#define DECLARE_PER_CPU(type, name) extern percpu_slot<type> name##__percpu[NR_CPUS]
#define DEFINE_PER_CPU(type, name) constinit percpu_slot<type> name##__percpu[NR_CPUS]{}
#define per_cpu(name, cpu) (name##__percpu[(cpu)].value)
#define this_cpu(name) per_cpu(name, smp_processor_id())

// Linux's pcpu_hot: the fields every path needs, at fixed %gs offsets.
struct pcpu_hot {
  pcpu_hot* self;           // %gs:0
  unsigned int cpu_number;  // %gs:8
  unsigned int pad;
  task_struct* current_task;  // %gs:16
};
static_assert(offsetof(pcpu_hot, self) == 0 && offsetof(pcpu_hot, cpu_number) == 8 &&
              offsetof(pcpu_hot, current_task) == 16);

DECLARE_PER_CPU(pcpu_hot, pcpu_hot_area);

// Not volatile: a task always runs on the same CPU and always is `current`
// for itself, so the compiler may reuse an earlier read.
inline unsigned int smp_processor_id() {
  unsigned int cpu;
  asm("movl %%gs:8, %0" : "=r"(cpu));
  return cpu;
}

inline task_struct* get_current() {
  task_struct* t;
  asm("movq %%gs:16, %0" : "=r"(t));
  return t;
}
#define current get_current()

// Only the scheduler switches tasks; it writes through the slot, not %gs.
inline void set_current(task_struct* t) { this_cpu(pcpu_hot_area).current_task = t; }
