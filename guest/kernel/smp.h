// vCPU bring-up and the online mask.
#pragma once

#include "guest/include/cpumask.h"

extern cpumask_t cpu_online_mask;
extern unsigned int nr_cpu_ids;  // vCPUs the VMM created (boot_info.vcpu_count)

inline unsigned num_online_cpus() { return cpumask_weight(&cpu_online_mask); }
inline bool cpu_online(unsigned cpu) { return cpumask_test_cpu(cpu, &cpu_online_mask); }

// Boot vCPU: HC_START_CPU for 1..nr_cpu_ids-1, then wait until all are online
// (panics if one has not come up within a few seconds).
void smp_init();

// Entry of a secondary vCPU, after cpu_init(): load the kernel tables, go
// online, run the idle loop.
[[noreturn]] void start_secondary(unsigned cpu);
