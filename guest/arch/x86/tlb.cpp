// TLB flush wrappers: one hypercall each, plus the native instruction locally.
#include "guest/arch/x86/tlb.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/arch/x86/page.h"
#include "guest/arch/x86/processor.h"
#include "guest/kernel/percpu.h"
#include "guest/kernel/report.h"
#include "guest/kernel/smp.h"
#include "guest/mm/mm_types.h"
#include "guest/mm/vma.h"

namespace {

// Above this many pages a full flush is cheaper than invlpg per page
// (Linux's tlb_single_page_flush_ceiling).
constexpr u64 FLUSH_CEILING = 33;

void native_flush_all() {
  // Toggling CR4.PGE flushes every entry, global ones included (SDM 4.10.4.1);
  // CR3 is not written directly (the VMM owns it, HC_MMU_LOAD_CR3).
  u64 cr4 = read_cr4();
  write_cr4(cr4 ^ X86_CR4_PGE);
  write_cr4(cr4);
}

}  // namespace

void flush_tlb_local() {
  hc_mmu_flush_local(0, abi::FLUSH_ALL);
  native_flush_all();
}

void flush_tlb_one_user(unsigned long addr) { flush_tlb_local_range(addr, 1); }

void flush_tlb_local_range(unsigned long start, u64 npages) {
  if (npages > FLUSH_CEILING) return flush_tlb_local();
  hc_mmu_flush_local(start, npages);
  for (u64 i = 0; i < npages; i++) native_invlpg(start + i * PAGE_SIZE);
}

s64 flush_tlb_others(const cpumask_t* mask, unsigned long start, u64 npages) {
  abi::flush_request req{};
  req.vcpu_mask[0] = __atomic_load_n(&mask->bits, __ATOMIC_ACQUIRE) & ~(u64{1} << smp_processor_id());
  if (!req.vcpu_mask[0]) return 0;
  req.start = start;
  req.npages = npages;
  return hc_mmu_shootdown(virt_to_phys(&req));
}

void flush_tlb_mm_range(mm_struct* mm, unsigned long start, unsigned long end) {
  u64 npages = (end - start + PAGE_SIZE - 1) / PAGE_SIZE;
  if (npages > FLUSH_CEILING) npages = abi::FLUSH_ALL;
  bool user = mm != &init_mm;
  if (user) mark("flush_tlb", start);
  if (cpumask_test_cpu(smp_processor_id(), mm_cpumask(mm))) {
    if (npages == abi::FLUSH_ALL) flush_tlb_local();
    else flush_tlb_local_range(start, npages);
  }
  flush_tlb_others(mm_cpumask(mm), start, npages);
  if (user) mark("flush_tlb.done", start);
}

void flush_tlb_range(vm_area_struct* vma, unsigned long start, unsigned long end) {
  flush_tlb_mm_range(vma->vm_mm, start, end);
}

void flush_tlb_page(vm_area_struct* vma, unsigned long addr) {
  flush_tlb_mm_range(vma->vm_mm, addr, addr + PAGE_SIZE);
}

void flush_pmd_tlb_range(vm_area_struct* vma, unsigned long start, unsigned long end) {
  for (unsigned long a = start; a < end; a += PMD_SIZE) flush_tlb_mm_range(vma->vm_mm, a, a + PAGE_SIZE);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end) {
  u64 npages = (end - start + PAGE_SIZE - 1) / PAGE_SIZE;
  if (npages > FLUSH_CEILING) npages = abi::FLUSH_ALL;
  if (npages == abi::FLUSH_ALL) flush_tlb_local();
  else flush_tlb_local_range(start, npages);
  flush_tlb_others(&cpu_online_mask, start, npages);
}
