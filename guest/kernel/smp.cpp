// Starting secondary vCPUs (HC_START_CPU) and waiting until they are online.
#include "guest/kernel/smp.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/arch/x86/mmu_context.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/sched.h"
#include "guest/mm/mm_types.h"

cpumask_t cpu_online_mask;
unsigned int nr_cpu_ids = 1;

namespace {

constexpr u64 CPU_UP_TIMEOUT_NS = 10'000'000'000ull;

}  // namespace

void smp_init() {
  for (unsigned cpu = 1; cpu < nr_cpu_ids; cpu++) {
    s64 err = hc_start_cpu(cpu);
    if (err) panic("HC_START_CPU(%u) failed: %ld", cpu, err);
  }
  const u64 deadline = hc_clock_ns() + CPU_UP_TIMEOUT_NS;
  while (num_online_cpus() < nr_cpu_ids) {
    hc_yield();
    if (hc_clock_ns() > deadline)
      panic("only %u of %u vCPUs came online (mask %#lx)", num_online_cpus(), nr_cpu_ids,
            cpu_online_mask.bits);
  }
}

void start_secondary(unsigned cpu) {
  // The boot vCPU built init_mm before starting us (HC_START_CPU orders it).
  switch_mm(&init_mm);
  cpumask_set_cpu(cpu, &cpu_online_mask);
  cpu_idle_loop();
}
