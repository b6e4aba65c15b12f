// Boot sequence of the boot vCPU and of each secondary vCPU.
//
//   vCPU 0: descriptors, boot_info, page allocator, kernel page tables,
//           HC_START_CPU for the others, wait until online, image_main()
//   vCPU n: descriptors, kernel page tables, online, idle loop (kthreads)
#include "abi/boot_info.h"
#include "guest/arch/x86/desc.h"
#include "guest/arch/x86/idt.h"
#include "guest/arch/x86/page.h"
#include "guest/arch/x86/processor.h"
#include "guest/kernel/boot_params.h"
#include "guest/kernel/cmdline.h"
#include "guest/kernel/image.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/printk.h"
#include "guest/kernel/sched.h"
#include "guest/kernel/smp.h"
#include "guest/mm/init.h"
#include "guest/mm/page_alloc.h"

extern "C" char __kernel_end[];  // kernel.ld: end of the image, BSS included

namespace {

void cpu_init(unsigned cpu, bool idle) {
  cpu_init_descriptors(cpu);
  sched_init_cpu(cpu, idle);
  // Ring-0 writes must honour read-only pages (SDM 4.6, CR0.WP): the VMM
  // sets it, but the dirty-bit model depends on it, so make sure.
  u64 cr0 = read_cr0();
  if (!(cr0 & X86_CR0_WP)) write_cr0(cr0 | X86_CR0_WP);
  // Kernel threads touch user mms in ring 0 (DESIGN.md §3): no SMAP/SMEP.
  u64 cr4 = read_cr4();
  if (cr4 & (X86_CR4_SMAP | X86_CR4_SMEP)) write_cr4(cr4 & ~(X86_CR4_SMAP | X86_CR4_SMEP));
}

[[noreturn]] void start_kernel(const shadowtlb::abi::boot_info* bi) {
  idt_setup();
  cpu_init(0, false);
  boot_params_init(bi);
  nr_cpu_ids = boot_params.vcpu_count;

  u64 kernel_end = max_t(virt_to_phys(__kernel_end).val, boot_params.image_end);
  page_alloc_init(phys_addr_t(kernel_end), phys_addr_t(boot_params.ram_size));
  paging_init(boot_params.ram_size, kernel_end);
  cpumask_set_cpu(0, &cpu_online_mask);
  if (!cmdline_get("quiet"))
    printk("shadowtlb guest: %u vCPUs, %lu MiB RAM, cmdline \"%s\"\n", nr_cpu_ids,
           boot_params.ram_size >> 20, saved_command_line());
  smp_init();
  machine_exit(image_main());
}

}  // namespace

extern "C" [[noreturn]] void x86_64_start_kernel(const shadowtlb::abi::boot_info* bi, u64 cpu) {
  if (cpu == 0) start_kernel(bi);
  cpu_init(static_cast<unsigned>(cpu), true);
  start_secondary(static_cast<unsigned>(cpu));
}
