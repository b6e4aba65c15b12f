// switch_mm(): HC_MMU_LOAD_CR3 plus the mm_cpumask bookkeeping shootdowns rely on.
#include "guest/arch/x86/mmu_context.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/arch/x86/pgtable.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/percpu.h"
#include "guest/mm/mm_types.h"

static DEFINE_PER_CPU(mm_struct*, cpu_loaded_mm);

mm_struct* loaded_mm() { return this_cpu(cpu_loaded_mm); }

void switch_mm(mm_struct* next) {
  unsigned cpu = smp_processor_id();
  mm_struct* prev = this_cpu(cpu_loaded_mm);
  if (prev == next) return;
  // Join next's mask before loading: a flusher that changes next's tables
  // from now on includes this CPU (Linux's switch_mm_irqs_off order).
  cpumask_set_cpu(cpu, mm_cpumask(next));
  s64 err = hc_mmu_load_cr3(pgtable_phys(next->pgd), 0);
  if (err) panic("HC_MMU_LOAD_CR3(%#lx) failed: %ld", pgtable_phys(next->pgd).val, err);
  this_cpu(cpu_loaded_mm) = next;
  if (prev) cpumask_clear_cpu(cpu, mm_cpumask(prev));
}

void reload_cr3() {
  mm_struct* mm = this_cpu(cpu_loaded_mm);
  s64 err = hc_mmu_load_cr3(pgtable_phys(mm->pgd), 0);
  if (err) panic("HC_MMU_LOAD_CR3(%#lx) failed: %ld", pgtable_phys(mm->pgd).val, err);
}
