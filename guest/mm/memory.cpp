// Page-table construction, teardown and software walk over the 4-level format.
#include "guest/mm/memory.h"

#include "guest/arch/x86/tlb.h"
#include "guest/include/errno.h"
#include "guest/kernel/panic.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/pgalloc.h"

namespace {

bool addr_in_mm_half(mm_struct* mm, unsigned long addr) {
  return (mm == &init_mm) == (addr >= TASK_SIZE);
}

pteval_t table_flags(mm_struct* mm) { return mm == &init_mm ? _KERNPG_TABLE : _PAGE_TABLE; }

}  // namespace

pmd_t* mm_find_pmd(mm_struct* mm, unsigned long addr) {
  pgd_t ge = pgdp_get(pgd_offset(mm, addr));
  if (!pgd_present(ge)) return nullptr;
  pud_t ue = pudp_get(pgd_pgtable(ge, addr) + pud_index(addr));
  if (!pud_present(ue) || pud_leaf(ue)) return nullptr;
  return pud_pgtable(ue, addr) + pmd_index(addr);
}

namespace {

// Records that tables for [addr, addr+size) may exist (caller holds the lock).
void note_user_range(mm_struct* mm, unsigned long addr, u64 size) {
  if (mm == &init_mm) return;
  if (mm->pt_start == mm->pt_end) {
    mm->pt_start = addr;
    mm->pt_end = addr + size;
  } else {
    mm->pt_start = min_t(mm->pt_start, addr);
    mm->pt_end = max_t(mm->pt_end, addr + size);
  }
}

void flush_after_unmap(mm_struct* mm, unsigned long addr, u64 size) {
  if (mm == &init_mm) flush_tlb_kernel_range(addr, addr + size);
  else flush_tlb_mm_range(mm, addr, addr + size);
}

}  // namespace

pgd_t* pgd_offset(mm_struct* mm, unsigned long addr) { return mm->pgd + pgd_index(addr); }
pgd_t* pgd_offset_k(unsigned long addr) { return pgd_offset(&init_mm, addr); }

// Unlike Linux's, these step down from the entry value they read or wrote
// rather than reading it again: for a user mm each read is an exit.
pud_t* pud_alloc(mm_struct* mm, pgd_t* pgd, unsigned long addr) {
  pgd_t e = pgdp_get(pgd);
  if (pgd_none(e)) {
    if (mm == &init_mm) kernel_pgd_entry_added(pgd_index(addr));
    phys_addr_t table = pgtable_alloc(mm);
    if (!table.val) return nullptr;
    e = mk_pgd_table(table, table_flags(mm));
    set_pgd(pgd, e);
  }
  return pgd_pgtable(e, addr) + pud_index(addr);
}

pmd_t* pmd_alloc(mm_struct* mm, pud_t* pud, unsigned long addr) {
  pud_t e = pudp_get(pud);
  if (pud_none(e)) {
    phys_addr_t table = pgtable_alloc(mm);
    if (!table.val) return nullptr;
    e = mk_pud_table(table, table_flags(mm));
    set_pud(pud, e);
  }
  return pud_pgtable(e, addr) + pmd_index(addr);
}

pte_t* pte_alloc_map(mm_struct* mm, pmd_t* pmd, unsigned long addr) {
  pmd_t e = pmdp_get(pmd);
  if (pmd_none(e)) {
    phys_addr_t table = pgtable_alloc(mm);
    if (!table.val) return nullptr;
    e = mk_pmd_table(table, table_flags(mm));
    set_pmd(pmd, e);
  }
  return pmd_page_vaddr(e, addr) + pte_index(addr);
}

// Allocates down to the pmd entry for addr; -EEXIST if a large page is in the way.
static int alloc_to_pmd(mm_struct* mm, unsigned long addr, pmd_t** out) {
  pud_t* pud = pud_alloc(mm, pgd_offset(mm, addr), addr);
  if (!pud) return -ENOMEM;
  if (pud_leaf(pudp_get(pud))) return -EEXIST;
  pmd_t* pmd = pmd_alloc(mm, pud, addr);
  if (!pmd) return -ENOMEM;
  *out = pmd;
  return 0;
}

pmd_t* mm_alloc_pmd(mm_struct* mm, unsigned long addr) {
  spin_guard guard(&mm->page_table_lock);
  pmd_t* pmd;
  return alloc_to_pmd(mm, addr, &pmd) ? nullptr : pmd;
}

pmd_t pte_alloc(mm_struct* mm, pmd_t* pmd) {
  spin_guard guard(&mm->page_table_lock);
  pmd_t e = pmdp_get(pmd);
  if (pmd_leaf(e)) return __pmd(0);
  if (pmd_none(e)) {
    phys_addr_t table = pgtable_alloc(mm);
    if (!table.val) return __pmd(0);
    e = mk_pmd_table(table, table_flags(mm));
    set_pmd(pmd, e);
  }
  return e;
}

void mm_note_user_range(mm_struct* mm, unsigned long addr, u64 size) {
  spin_guard guard(&mm->page_table_lock);
  note_user_range(mm, addr, size);
}

int map_page(mm_struct* mm, unsigned long addr, phys_addr_t pa, pgprot_t prot) {
  if (!is_aligned(addr, PAGE_SIZE) || !is_aligned(pa.val, PAGE_SIZE) || !addr_in_mm_half(mm, addr))
    return -EINVAL;
  spin_guard guard(&mm->page_table_lock);
  pmd_t* pmd;
  note_user_range(mm, addr, PAGE_SIZE);
  if (int err = alloc_to_pmd(mm, addr, &pmd)) return err;
  if (pmd_leaf(pmdp_get(pmd))) return -EEXIST;
  pte_t* pte = pte_alloc_map(mm, pmd, addr);
  if (!pte) return -ENOMEM;
  if (!pte_none(ptep_get(pte))) return -EEXIST;
  // A new translation needs no flush: nothing caches "not present" (SDM 4.10.2.3).
  set_pte(pte, pfn_pte(PHYS_PFN(pa), prot));
  return 0;
}

int map_huge_pmd(mm_struct* mm, unsigned long addr, phys_addr_t pa, pgprot_t prot) {
  if (!is_aligned(addr, PMD_SIZE) || !is_aligned(pa.val, PMD_SIZE) || !addr_in_mm_half(mm, addr))
    return -EINVAL;
  spin_guard guard(&mm->page_table_lock);
  pmd_t* pmd;
  note_user_range(mm, addr, PMD_SIZE);
  if (int err = alloc_to_pmd(mm, addr, &pmd)) return err;
  if (!pmd_none(pmdp_get(pmd))) return -EEXIST;
  set_pmd(pmd, pfn_pmd_huge(PHYS_PFN(pa), prot));
  return 0;
}

int map_range(mm_struct* mm, unsigned long addr, phys_addr_t pa, u64 size, pgprot_t prot) {
  if (!is_aligned(addr | pa.val | size, PAGE_SIZE) || !addr_in_mm_half(mm, addr) ||
      (size && !addr_in_mm_half(mm, addr + size - 1)))
    return -EINVAL;
  spin_guard guard(&mm->page_table_lock);
  note_user_range(mm, addr, size);
  // One walk from the pgd per pmd table, then a tight loop over its entries:
  // the direct map of a large RAM is thousands of entries (DESIGN.md §6: every
  // guest instruction is emulated).
  const unsigned long end = addr + size;
  for (unsigned long va = addr, pud_next; va != end; va = pud_next) {
    pud_next = pud_addr_end(va, end);
    pmd_t* pmd;
    if (int err = alloc_to_pmd(mm, va, &pmd)) return err;
    for (unsigned long pmd_next; va != pud_next; va = pmd_next, pmd++) {
      pmd_next = pmd_addr_end(va, pud_next);
      phys_addr_t frame = pa + (va - addr);
      if (is_aligned(va | frame.val, PMD_SIZE) && pmd_next - va == PMD_SIZE) {
        if (!pmd_none(pmdp_get(pmd))) return -EEXIST;
        set_pmd(pmd, pfn_pmd_huge(PHYS_PFN(frame), prot));
        continue;
      }
      if (pmd_leaf(pmdp_get(pmd))) return -EEXIST;
      pte_t* pte = pte_alloc_map(mm, pmd, va);
      if (!pte) return -ENOMEM;
      for (unsigned long v = va; v != pmd_next; v += PAGE_SIZE, pte++) {
        if (!pte_none(ptep_get(pte))) return -EEXIST;
        set_pte(pte, pfn_pte(PHYS_PFN(pa + (v - addr)), prot));
      }
    }
  }
  return 0;
}

int unmap_page(mm_struct* mm, unsigned long addr) {
  addr &= PAGE_MASK;
  spin_guard guard(&mm->page_table_lock);
  pmd_t* pmd = mm_find_pmd(mm, addr);
  if (!pmd) return -ENOENT;
  pmd_t pe = pmdp_get(pmd);
  if (!pmd_present(pe) || pmd_leaf(pe)) return -ENOENT;
  pte_t* pte = pte_offset_map(pmd, addr);
  if (!pte_present(ptep_get_and_clear(mm, addr, pte))) return -ENOENT;
  // Flush before dropping the lock: no CPU may keep using the old
  // translation once another can see the entry empty and reuse the frame.
  flush_after_unmap(mm, addr, PAGE_SIZE);
  return 0;
}

int unmap_huge_pmd(mm_struct* mm, unsigned long addr) {
  addr &= PMD_MASK;
  spin_guard guard(&mm->page_table_lock);
  pmd_t* pmd = mm_find_pmd(mm, addr);
  if (!pmd || !pmd_leaf(pmdp_get(pmd))) return -ENOENT;
  pmdp_huge_get_and_clear(mm, addr, pmd);
  flush_after_unmap(mm, addr, PMD_SIZE);
  return 0;
}

int walk_page_table(mm_struct* mm, unsigned long addr, pt_walk* w) {
  // One read per level, each step from the value read (each is an exit for
  // a user mm; the #PF path walks here).
  pgd_t* pgd = pgd_offset(mm, addr);
  *w = pt_walk{PG_LEVEL_NONE, 0, phys_addr_t(0), 0, pgd, pgd};
  pgd_t ge = pgdp_get(pgd);
  if (!pgd_present(ge)) return -ENOENT;
  pud_t* pud = pgd_pgtable(ge, addr) + pud_index(addr);
  w->entryp = pud;
  pud_t ue = pudp_get(pud);
  if (!pud_present(ue)) return -ENOENT;
  if (pud_leaf(ue)) {
    w->level = PG_LEVEL_1G;
    w->entry = pud_val(ue);
    w->pa = phys_addr_t((pud_val(ue) & PTE_PFN_MASK & ~(PUD_SIZE - 1)) | (addr & (PUD_SIZE - 1)));
    w->page_size = PUD_SIZE;
    return 0;
  }
  pmd_t* pmd = pud_pgtable(ue, addr) + pmd_index(addr);
  w->entryp = pmd;
  pmd_t me = pmdp_get(pmd);
  if (!pmd_present(me)) return -ENOENT;
  if (pmd_leaf(me)) {
    w->level = PG_LEVEL_2M;
    w->entry = pmd_val(me);
    w->pa = phys_addr_t((pmd_val(me) & PMD_PAGE_PFN_MASK) | (addr & ~PMD_MASK));
    w->page_size = PMD_SIZE;
    return 0;
  }
  pte_t* ptep = pmd_page_vaddr(me, addr) + pte_index(addr);
  w->entryp = ptep;
  pte_t pte = ptep_get(ptep);
  if (!pte_present(pte)) return -ENOENT;
  w->level = PG_LEVEL_4K;
  w->entry = pte_val(pte);
  w->pa = phys_addr_t((pte_val(pte) & PTE_PFN_MASK) | (addr & ~PAGE_MASK));
  w->page_size = PAGE_SIZE;
  return 0;
}
