// Table-page allocation per mm, and pgd construction with the kernel half copied through the view.
#include "guest/mm/pgalloc.h"

#include "guest/kernel/panic.h"
#include "guest/mm/mm_types.h"
#include "guest/mm/page_alloc.h"

namespace {

constexpr unsigned KERNEL_PGD_FIRST = PTRS_PER_TABLE / 2;  // upper half starts at pgd 256

// Which upper-half pgd entries init_mm uses; pgd_alloc() copies exactly these
// (three of them today: a copy through the view costs an exit per entry).
u64 kernel_pgd_used[KERNEL_PGD_FIRST / 64];
bool kernel_pgd_frozen;

template <typename F>
void for_each_kernel_pgd_index(F fn) {
  for (unsigned w = 0; w < ARRAY_SIZE(kernel_pgd_used); w++)
    for (u64 m = kernel_pgd_used[w]; m; m &= m - 1)
      fn(KERNEL_PGD_FIRST + w * 64 + static_cast<unsigned>(__builtin_ctzll(m)));
}

// Table pages known to be all zero: freed by teardown after it cleared every
// entry through the view. A stack of physical addresses; beyond the bound the
// page goes back to the page allocator (and a later reuse clears it).
struct pgtable_cache {
  spinlock_t lock;
  unsigned count;
  phys_addr_t pages[PGTABLE_CACHE_MAX];
};
constinit pgtable_cache zeroed_tables{};

phys_addr_t pgtable_cache_pop() {
  spin_guard guard(&zeroed_tables.lock);
  return zeroed_tables.count ? zeroed_tables.pages[--zeroed_tables.count] : phys_addr_t(0);
}

bool pgtable_cache_push(phys_addr_t table) {
  spin_guard guard(&zeroed_tables.lock);
  if (zeroed_tables.count == PGTABLE_CACHE_MAX) return false;
  zeroed_tables.pages[zeroed_tables.count++] = table;
  return true;
}

// A zero table page, cheapest source first (see pgalloc.h).
phys_addr_t pgtable_alloc_page(mm_struct* mm) {
  if (mm == &init_mm) {
    page* p = alloc_page(__GFP_ZERO);
    return p ? page_to_phys(p) : phys_addr_t(0);
  }
  if (phys_addr_t cached = pgtable_cache_pop(); cached.val) return cached;
  // Not __GFP_ZERO: that clears through the direct map, behind the VMM's back.
  bool is_zero;
  page* p = alloc_pages_report_zero(GFP_KERNEL, 0, &is_zero);
  if (!p) return phys_addr_t(0);
  if (!is_zero) pt_view_clear_page(page_to_phys(p));
  return page_to_phys(p);
}

}  // namespace

phys_addr_t pgtable_alloc(mm_struct* mm) {
  phys_addr_t table = pgtable_alloc_page(mm);
  // A new table's split PTE lock starts unlocked (guest/mm/pgtable_lock.h).
  if (table.val) pfn_to_page(PHYS_PFN(table))->ptl = spinlock_t{};
  return table;
}

void pgtable_free(phys_addr_t table) { __free_page(pfn_to_page(PHYS_PFN(table))); }

void pgtable_free_cleared(phys_addr_t table) {
  if (!pgtable_cache_push(table)) pgtable_free(table);
}

unsigned pgtable_cache_count() {
  spin_guard guard(&zeroed_tables.lock);
  return zeroed_tables.count;
}

pgd_t* pgd_alloc(mm_struct* mm) {
  phys_addr_t table = pgtable_alloc(mm);
  if (!table.val) return nullptr;
  if (mm == &init_mm) return static_cast<pgd_t*>(phys_to_virt(table));
  // Address 0 selects the user alias: a user pgd is a user table page.
  auto* pgd = static_cast<pgd_t*>(pgtable_virt(table, 0));
  for_each_kernel_pgd_index([&](unsigned idx) { set_pgd(pgd + idx, pgdp_get(init_mm.pgd + idx)); });
  return pgd;
}

void pgd_free(mm_struct* mm, pgd_t* pgd) {
  BUG_ON(mm == &init_mm);
  // The lower half is empty already; clearing the copied kernel entries
  // leaves the whole page zero, fit for the cache.
  for_each_kernel_pgd_index([&](unsigned idx) { pgd_clear(pgd + idx); });
  pgtable_free_cleared(pgtable_phys(pgd));
}

void kernel_pgd_entry_added(unsigned idx) {
  BUG_ON(idx < KERNEL_PGD_FIRST);
  if (kernel_pgd_frozen) panic("new kernel pgd entry %u after boot: user mms would miss it", idx);
  kernel_pgd_used[(idx - KERNEL_PGD_FIRST) / 64] |= u64{1} << (idx % 64);
}

void kernel_pgd_freeze() { kernel_pgd_frozen = true; }
