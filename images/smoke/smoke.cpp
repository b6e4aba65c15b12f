// smoke: every vCPU says hello, touches a page of its own, and reports its id.
#include "guest/kernel/image.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/printk.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/mm/page_alloc.h"

namespace {

// Writes a pattern derived from the CPU id into every 8th word of a fresh
// page and reads it back: enough to prove the page is mapped and private,
// cheap enough for an emulated ring 0.
int smoke_cpu(void*) {
  unsigned cpu = smp_processor_id();
  printk("smoke: hello from vCPU %u of %u\n", cpu, nr_cpu_ids);
  unsigned long page = __get_free_page(GFP_KERNEL);
  if (!page) return -1;
  auto* words = reinterpret_cast<volatile u64*>(page);
  const u64 pattern = 0x5a5a000000000000ull | (u64{cpu} << 32);
  for (unsigned i = 0; i < PAGE_SIZE / 8; i += 8) words[i] = pattern | i;
  int bad = 0;
  for (unsigned i = 0; i < PAGE_SIZE / 8; i += 8) bad += words[i] != (pattern | i);
  free_page(page);
  report_value("smoke.vcpu", cpu);
  return bad;
}

}  // namespace

int image_main() {
  task_struct* threads[NR_CPUS];
  for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
    threads[cpu] = kthread_run_on_cpu(smoke_cpu, nullptr, cpu, "smoke");
    if (!threads[cpu]) panic("smoke: cannot create a kthread on vCPU %u", cpu);
  }
  int failures = 0;
  for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
    int ret = kthread_join(threads[cpu]);
    if (ret) printk("smoke: vCPU %u: page check failed (%d)\n", cpu, ret);
    failures += ret != 0;
  }
  return failures ? 1 : 0;
}
