// The page-table view: its kernel mapping, and clearing a table page through it.
#include "guest/arch/x86/pgtable_view.h"

#include "guest/kernel/panic.h"
#include "guest/mm/memory.h"

void pt_view_init(u64 ram_size) {
  // 2 MiB pages, rounded up: the tail past a ragged RAM end is never used,
  // and an access there would be refused by the VMM, not silently served.
  u64 size = round_up(ram_size, PMD_SIZE);
  if (int err = map_range(&init_mm, PT_VIEW_START, phys_addr_t(PT_VIEW_PHYS_BASE), size, PAGE_KERNEL))
    panic("mapping the page-table view failed: %d", err);
}

void pt_view_clear_page(phys_addr_t pa) {
  // One 8-byte store per entry, each an exit the VMM sees as a PTE write.
  // Not `rep stosq`: emulated string stores to MMIO are one exit per element
  // anyway, and a plain store is the access every VMM decodes.
  auto* p = static_cast<volatile pteval_t*>(pt_view_virt(pa));
  for (unsigned i = 0; i < PTRS_PER_TABLE; i++) p[i] = 0;
}
