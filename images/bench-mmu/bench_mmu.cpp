// bench-mmu: the cost of a trapped PTE write and of a shootdown to every other
// vCPU, next to a bare exit, all in one run (bench/README.md).
//
// vCPU 0 times each phase with HC_CLOCK; the VMM's own share of each exit is
// in the run's JSON summary (mmu_stats). The other vCPUs sit inside the same
// mm with X in their TLBs, spinning in the guest without exits, so every
// shootdown really has to kick them out of guest mode.
#include "guest/arch/x86/hypercall.h"
#include "guest/arch/x86/pgtable.h"
#include "guest/arch/x86/tlb.h"
#include "guest/include/cpumask.h"
#include "guest/kernel/cmdline.h"
#include "guest/kernel/image.h"
#include "guest/kernel/kthread.h"
#include "guest/kernel/printk.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/mm/memory.h"
#include "guest/mm/mm.h"
#include "guest/mm/page_alloc.h"

namespace {

constexpr unsigned long X = 0x20000000;

struct bench {
  mm_struct* mm;
  pte_t* x_ptep;
  unsigned ready;  // spinners that have X cached
  bool done;
};

// Same instructions as hc_nop(), aimed at the port the VMM ignores.
inline void raw_exit_like_hypercall() {
  u64 rax = abi::HC_NOP;
  asm volatile("outl %%eax, %[port]" : "+a"(rax) : [port] "i"(abi::HC_RAW_PORT) : "memory");
}

int spinner(void* arg) {
  auto* b = static_cast<bench*>(arg);
  kthread_use_mm(b->mm);
  (void)READ_ONCE(*reinterpret_cast<volatile u64*>(X));  // X into this vCPU's TLB
  __atomic_add_fetch(&b->ready, 1, __ATOMIC_ACQ_REL);
  while (!__atomic_load_n(&b->done, __ATOMIC_ACQUIRE)) asm volatile("pause");
  kthread_unuse_mm(b->mm);
  return 0;
}

u64 per_iteration(u64 start, u64 end, u64 n) { return (end - start) / n; }

int measure(void* arg) {
  auto* b = static_cast<bench*>(arg);
  const u64 n = cmdline_get_u64("bench.iterations", 2000) ?: 1;
  const u64 shootdowns = cmdline_get_u64("bench.shootdowns", 200) ?: 1;
  kthread_use_mm(b->mm);
  while (__atomic_load_n(&b->ready, __ATOMIC_ACQUIRE) + 1 < nr_cpu_ids) cond_resched_yield();

  u64 t0 = hc_clock_ns();
  for (u64 i = 0; i < n; i++) raw_exit_like_hypercall();
  u64 t1 = hc_clock_ns();
  // Toggle a software-available bit: a real trapped write that changes no translation.
  const pte_t base = ptep_get(b->x_ptep);
  for (u64 i = 0; i < n; i++) set_pte(b->x_ptep, __pte(pte_val(base) ^ ((i & 1) << 9)));
  u64 t2 = hc_clock_ns();
  cpumask_t others{};
  for (unsigned cpu = 1; cpu < nr_cpu_ids; cpu++) cpumask_set_cpu(cpu, &others);
  for (u64 i = 0; i < shootdowns; i++) flush_tlb_others(&others, X, 1);
  u64 t3 = hc_clock_ns();

  __atomic_store_n(&b->done, true, __ATOMIC_RELEASE);
  kthread_unuse_mm(b->mm);
  printk("bench-mmu: %u vCPUs: raw exit %lu ns, PTE write %lu ns, shootdown of %u vCPUs %lu ns\n",
         nr_cpu_ids, per_iteration(t0, t1, n), per_iteration(t1, t2, n), nr_cpu_ids - 1,
         per_iteration(t2, t3, shootdowns));
  report_value("raw_exit_ns", per_iteration(t0, t1, n));
  report_value("pte_write_ns", per_iteration(t1, t2, n));
  report_value("shootdown_ns", per_iteration(t2, t3, shootdowns));
  report_value("shootdown_targets", nr_cpu_ids - 1);
  return 0;
}

}  // namespace

int image_main() {
  static bench b;
  b.mm = mm_alloc();
  page* frame = alloc_page(GFP_KERNEL);
  if (!b.mm || !frame || map_page(b.mm, X, page_to_phys(frame), PAGE_SHARED) != 0) return 1;
  pt_walk w;
  if (walk_page_table(b.mm, X, &w) != 0) return 1;
  b.x_ptep = static_cast<pte_t*>(const_cast<void*>(w.entryp));

  task_struct* spinners[NR_CPUS] = {};
  for (unsigned cpu = 1; cpu < nr_cpu_ids; cpu++)
    spinners[cpu] = kthread_run_on_cpu(spinner, &b, cpu, "bench/spin");
  task_struct* m = kthread_run_on_cpu(measure, &b, 0, "bench/measure");
  int status = m ? kthread_join(m) : 1;
  __atomic_store_n(&b.done, true, __ATOMIC_RELEASE);
  for (unsigned cpu = 1; cpu < nr_cpu_ids; cpu++)
    if (spinners[cpu]) kthread_join(spinners[cpu]);
  mmput(b.mm);
  __free_page(frame);
  return status;
}
