// Page-table construction, teardown and software walk over the 4-level format.
#include "guest/mm/memory.h"

#include "guest/arch/x86/tlb.h"
#include "guest/include/errno.h"
#include "guest/kernel/panic.h"
#include "guest/mm/page_alloc.h"

namespace {

constexpr unsigned KERNEL_PGD_FIRST = PTRS_PER_TABLE / 2;  // upper half starts at pgd 256

// Which upper-half pgd entries init_mm uses; mm_alloc() copies exactly these.
u64 kernel_pgd_used[KERNEL_PGD_FIRST / 64];
bool kernel_pgd_frozen;

bool addr_in_mm_half(mm_struct* mm, unsigned long addr) {
  return (mm == &init_mm) == (addr >= TASK_SIZE);
}

pteval_t table_flags(mm_struct* mm) { return mm == &init_mm ? _KERNPG_TABLE : _PAGE_TABLE; }

// Finds the pmd entry for addr without allocating; null if an upper level is missing.
pmd_t* find_pmd(mm_struct* mm, unsigned long addr) {
  pgd_t* pgd = pgd_offset(mm, addr);
  if (!pgd_present(pgdp_get(pgd))) return nullptr;
  pud_t* pud = pud_offset(pgd, addr);
  pud_t pe = pudp_get(pud);
  if (!pud_present(pe) || pud_leaf(pe)) return nullptr;
  return pmd_offset(pud, addr);
}

// Linux's p?d_addr_end(): the end of the level-`size` block holding addr, capped at end.
unsigned long block_end(unsigned long addr, unsigned long end, u64 size) {
  unsigned long next = round_down(addr, size) + size;
  return next - 1 < end - 1 ? next : end;
}

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

phys_addr_t pgtable_alloc() {
  page* p = alloc_page(__GFP_ZERO);
  return p ? page_to_phys(p) : phys_addr_t(0);
}

void pgtable_free(phys_addr_t table) { __free_page(pfn_to_page(PHYS_PFN(table))); }

pud_t* pud_alloc(mm_struct* mm, pgd_t* pgd, unsigned long addr) {
  if (pgd_none(pgdp_get(pgd))) {
    unsigned idx = pgd_index(addr);
    if (mm == &init_mm) {
      if (kernel_pgd_frozen) panic("new kernel pgd entry %u after boot: user mms would miss it", idx);
      kernel_pgd_used[(idx - KERNEL_PGD_FIRST) / 64] |= u64{1} << (idx % 64);
    }
    phys_addr_t table = pgtable_alloc();
    if (!table.val) return nullptr;
    set_pgd(pgd, mk_pgd_table(table, table_flags(mm)));
  }
  return pud_offset(pgd, addr);
}

pmd_t* pmd_alloc(mm_struct* mm, pud_t* pud, unsigned long addr) {
  if (pud_none(pudp_get(pud))) {
    phys_addr_t table = pgtable_alloc();
    if (!table.val) return nullptr;
    set_pud(pud, mk_pud_table(table, table_flags(mm)));
  }
  return pmd_offset(pud, addr);
}

pte_t* pte_alloc_map(mm_struct* mm, pmd_t* pmd, unsigned long addr) {
  if (pmd_none(pmdp_get(pmd))) {
    phys_addr_t table = pgtable_alloc();
    if (!table.val) return nullptr;
    set_pmd(pmd, mk_pmd_table(table, table_flags(mm)));
  }
  return pte_offset_map(pmd, addr);
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
    pud_next = block_end(va, end, PUD_SIZE);
    pmd_t* pmd;
    if (int err = alloc_to_pmd(mm, va, &pmd)) return err;
    for (unsigned long pmd_next; va != pud_next; va = pmd_next, pmd++) {
      pmd_next = block_end(va, pud_next, PMD_SIZE);
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
  pmd_t* pmd = find_pmd(mm, addr);
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
  pmd_t* pmd = find_pmd(mm, addr);
  if (!pmd || !pmd_leaf(pmdp_get(pmd))) return -ENOENT;
  pmdp_huge_get_and_clear(mm, addr, pmd);
  flush_after_unmap(mm, addr, PMD_SIZE);
  return 0;
}

int walk_page_table(mm_struct* mm, unsigned long addr, pt_walk* w) {
  *w = pt_walk{PG_LEVEL_NONE, 0, phys_addr_t(0), 0};
  pgd_t* pgd = pgd_offset(mm, addr);
  if (!pgd_present(pgdp_get(pgd))) return -ENOENT;
  pud_t* pud = pud_offset(pgd, addr);
  pud_t pue = pudp_get(pud);
  if (!pud_present(pue)) return -ENOENT;
  if (pud_leaf(pue)) {
    *w = {PG_LEVEL_1G, pud_val(pue), phys_addr_t((pud_val(pue) & PTE_PFN_MASK & ~(PUD_SIZE - 1)) | (addr & (PUD_SIZE - 1))), PUD_SIZE};
    return 0;
  }
  pmd_t* pmd = pmd_offset(pud, addr);
  pmd_t pme = pmdp_get(pmd);
  if (!pmd_present(pme)) return -ENOENT;
  if (pmd_leaf(pme)) {
    *w = {PG_LEVEL_2M, pmd_val(pme), phys_addr_t((pmd_val(pme) & PMD_PAGE_PFN_MASK) | (addr & ~PMD_MASK)), PMD_SIZE};
    return 0;
  }
  pte_t pte = ptep_get(pte_offset_map(pmd, addr));
  if (!pte_present(pte)) return -ENOENT;
  *w = {PG_LEVEL_4K, pte_val(pte), phys_addr_t((pte_val(pte) & PTE_PFN_MASK) | (addr & ~PAGE_MASK)), PAGE_SIZE};
  return 0;
}

// Frees the tables below one pud/pmd entry range. Each table is unlinked
// before it is freed: a frame stops being a table before it is reused.
static void free_pmd_range(pud_t* pud, unsigned long addr, unsigned long end) {
  pud_t ue = pudp_get(pud);
  pud_clear(pud);
  for (unsigned long a = addr, next; a != end; a = next) {
    next = block_end(a, end, PMD_SIZE);
    pmd_t* pmd = pud_pgtable(ue) + pmd_index(a);
    pmd_t me = pmdp_get(pmd);
    if (!pmd_present(me) || pmd_leaf(me)) continue;
    pmd_clear(pmd);
    pgtable_free(phys_addr_t(pmd_val(me) & PTE_PFN_MASK));
  }
  pgtable_free(phys_addr_t(pud_val(ue) & PTE_PFN_MASK));
}

static void free_pud_range(pgd_t* pgd, unsigned long addr, unsigned long end) {
  pgd_t ge = pgdp_get(pgd);
  pgd_clear(pgd);
  for (unsigned long a = addr, next; a != end; a = next) {
    next = block_end(a, end, PUD_SIZE);
    pud_t* pud = pgd_pgtable(ge) + pud_index(a);
    pud_t ue = pudp_get(pud);
    if (pud_present(ue) && !pud_leaf(ue)) free_pmd_range(pud, a, next);
  }
  pgtable_free(phys_addr_t(pgd_val(ge) & PTE_PFN_MASK));
}

void free_user_page_tables(mm_struct* mm) {
  BUG_ON(mm == &init_mm || !cpumask_empty(mm_cpumask(mm)));
  spin_guard guard(&mm->page_table_lock);
  // Only the range map_*() ever touched can hold tables (Linux's
  // free_pgd_range() gets its range from the VMAs).
  const unsigned long end = mm->pt_end;
  for (unsigned long a = mm->pt_start, next; a != end; a = next) {
    next = block_end(a, end, PGDIR_SIZE);
    pgd_t* pgd = pgd_offset(mm, a);
    if (pgd_present(pgdp_get(pgd))) free_pud_range(pgd, a, next);
  }
  mm->pt_start = mm->pt_end = 0;
}

void kernel_pgd_freeze() { kernel_pgd_frozen = true; }

void copy_kernel_pgd_entries(pgd_t* dst) {
  for (unsigned w = 0; w < ARRAY_SIZE(kernel_pgd_used); w++)
    for (u64 m = kernel_pgd_used[w]; m; m &= m - 1) {
      unsigned idx = KERNEL_PGD_FIRST + w * 64 + static_cast<unsigned>(__builtin_ctzll(m));
      set_pgd(dst + idx, pgdp_get(init_mm.pgd + idx));
    }
}
