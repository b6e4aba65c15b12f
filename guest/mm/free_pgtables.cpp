// Tearing down a user mm's tables: empty each table through the view, unlink it, free it.
//
// Linux splits this into zap_pte_range() (clear the PTEs) and free_pgtables()
// (unlink and free the tables); here the mm is loaded nowhere, so both happen
// in one walk. Every entry map_*() ever set lies in [pt_start, pt_end), so
// clearing that range leaves each table all zero: it goes back to the
// page-table cache (pgalloc.h) and the next user table needs no clearing.
#include "guest/kernel/panic.h"
#include "guest/mm/memory.h"

namespace {

// Each table is emptied while still linked (the VMM sees ordinary PTE
// writes), then unlinked from its parent before it is freed, so the VMM sees
// the frame stop being a table before it can be reused. pmdp/pudp/pgdp point
// at the parent entry, whose value the caller read (each read is an exit).
void free_pte_table(pmd_t* pmdp, pmd_t pmd, unsigned long addr, unsigned long end) {
  pte_t* pte = pmd_page_vaddr(pmd, addr) + pte_index(addr);
  // Read, then a plain clear: the mm is loaded nowhere, so no walker can set
  // A or D in between (Linux's ptep_get_and_clear_full() with full set).
  for (unsigned long a = addr; a != end; a += PAGE_SIZE, pte++)
    if (!pte_none(ptep_get(pte))) pte_clear(nullptr, a, pte);
  pmd_clear(pmdp);
  pgtable_free_cleared(phys_addr_t(pmd_val(pmd) & PTE_PFN_MASK));
}

void free_pmd_table(pud_t* pudp, pud_t pud, unsigned long addr, unsigned long end) {
  pmd_t* pmd = pud_pgtable(pud, addr) + pmd_index(addr);
  for (unsigned long a = addr, next; a != end; a = next, pmd++) {
    next = pmd_addr_end(a, end);
    pmd_t e = pmdp_get(pmd);
    if (pmd_none(e)) continue;
    if (pmd_present(e) && !pmd_leaf(e)) free_pte_table(pmd, e, a, next);
    else pmd_clear(pmd);  // a 2 MiB leaf: no table below it
  }
  pud_clear(pudp);
  pgtable_free_cleared(phys_addr_t(pud_val(pud) & PTE_PFN_MASK));
}

void free_pud_table(pgd_t* pgdp, pgd_t pgd, unsigned long addr, unsigned long end) {
  pud_t* pud = pgd_pgtable(pgd, addr) + pud_index(addr);
  for (unsigned long a = addr, next; a != end; a = next, pud++) {
    next = pud_addr_end(a, end);
    pud_t e = pudp_get(pud);
    if (pud_none(e)) continue;
    if (pud_present(e) && !pud_leaf(e)) free_pmd_table(pud, e, a, next);
    else pud_clear(pud);
  }
  pgd_clear(pgdp);
  pgtable_free_cleared(phys_addr_t(pgd_val(pgd) & PTE_PFN_MASK));
}

}  // namespace

void free_user_page_tables(mm_struct* mm) {
  BUG_ON(mm == &init_mm || !cpumask_empty(mm_cpumask(mm)));
  spin_guard guard(&mm->page_table_lock);
  // Only the range map_*() ever touched can hold tables (Linux's
  // free_pgd_range() gets its range from the VMAs).
  const unsigned long end = mm->pt_end;
  pgd_t* pgd = pgd_offset(mm, mm->pt_start);
  for (unsigned long a = mm->pt_start, next; a != end; a = next, pgd++) {
    next = pgd_addr_end(a, end);
    pgd_t e = pgdp_get(pgd);
    if (pgd_present(e)) free_pud_table(pgd, e, a, next);
  }
  mm->pt_start = mm->pt_end = 0;
}
