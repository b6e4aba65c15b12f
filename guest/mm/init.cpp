// paging_init(): the kernel's own 4-level tables, built by the boot vCPU.
//
//   DIRECT_MAP_BASE + [0, ram_size)  -> [0, ram_size)      all RAM
//   KERNEL_BASE + [0, image end)     -> [0, image end)     the kernel image
//   PT_VIEW_START + [0, ram_size)    -> PT_VIEW_BASE + ... the page-table view
//
// 2 MiB pages wherever possible, 4 KiB pages for a ragged end. The lower half
// stays empty: it belongs to user mms.
#include "guest/mm/init.h"

#include "guest/arch/x86/mmu_context.h"
#include "guest/kernel/panic.h"
#include "guest/mm/memory.h"

void paging_init(u64 ram_size, u64 image_end) {
  init_mm.pgd = pgd_alloc(&init_mm);
  if (!init_mm.pgd) panic("no memory for the kernel pgd");

  u64 ram = round_down(ram_size, PAGE_SIZE);
  if (int err = map_range(&init_mm, PAGE_OFFSET, phys_addr_t(0), ram, PAGE_KERNEL))
    panic("mapping the direct map failed: %d", err);
  // The image alias covers whole 2 MiB pages where RAM allows it, so the
  // image needs as few entries as possible.
  u64 image = min_t(round_up(image_end, PMD_SIZE), ram);
  if (int err = map_range(&init_mm, START_KERNEL_MAP, phys_addr_t(0), image, PAGE_KERNEL))
    panic("mapping the kernel image failed: %d", err);
  pt_view_init(ram);
  kernel_pgd_freeze();
  switch_mm(&init_mm);
}
