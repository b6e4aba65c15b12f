// Page-table entry tests, accessors and the *_offset() walk steps (Linux's asm/pgtable.h).
//
// Every read and write of a table entry goes through the functions here
// (ptep_get, set_pte, ptep_get_and_clear, ...), and every pointer to a table
// page comes from pgtable_virt(). The next issue points that one function at
// the VMM's page-table view (DESIGN.md §3), where each entry access traps.
#pragma once

#include "guest/arch/x86/pgtable_types.h"
#include "guest/include/compiler.h"

struct mm_struct;

// The one place a table page's physical address becomes a pointer.
inline void* pgtable_virt(phys_addr_t table) { return phys_to_virt(table); }
phys_addr_t pgtable_phys(const void* table);  // inverse of pgtable_virt()

constexpr unsigned pgd_index(unsigned long a) { return (a >> PGDIR_SHIFT) & (PTRS_PER_TABLE - 1); }
constexpr unsigned pud_index(unsigned long a) { return (a >> PUD_SHIFT) & (PTRS_PER_TABLE - 1); }
constexpr unsigned pmd_index(unsigned long a) { return (a >> PMD_SHIFT) & (PTRS_PER_TABLE - 1); }
constexpr unsigned pte_index(unsigned long a) { return (a >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1); }

// --- reading and writing entries ------------------------------------------
inline pgd_t pgdp_get(const pgd_t* p) { return __pgd(READ_ONCE(p->pgd)); }
inline pud_t pudp_get(const pud_t* p) { return __pud(READ_ONCE(p->pud)); }
inline pmd_t pmdp_get(const pmd_t* p) { return __pmd(READ_ONCE(p->pmd)); }
inline pte_t ptep_get(const pte_t* p) { return __pte(READ_ONCE(p->pte)); }

inline void set_pgd(pgd_t* p, pgd_t v) { WRITE_ONCE(p->pgd, v.pgd); }
inline void set_pud(pud_t* p, pud_t v) { WRITE_ONCE(p->pud, v.pud); }
inline void set_pmd(pmd_t* p, pmd_t v) { WRITE_ONCE(p->pmd, v.pmd); }
inline void set_pte(pte_t* p, pte_t v) { WRITE_ONCE(p->pte, v.pte); }
inline void pgd_clear(pgd_t* p) { set_pgd(p, __pgd(0)); }
inline void pud_clear(pud_t* p) { set_pud(p, __pud(0)); }
inline void pmd_clear(pmd_t* p) { set_pmd(p, __pmd(0)); }
inline void pte_clear(mm_struct*, unsigned long, pte_t* p) { set_pte(p, __pte(0)); }

// Atomic exchange, so an A/D update racing with the clear is never lost
// (the VMM keeps these atomic against its own walker, DESIGN.md §3).
inline pte_t ptep_get_and_clear(mm_struct*, unsigned long, pte_t* p) {
  return __pte(__atomic_exchange_n(&p->pte, pteval_t{0}, __ATOMIC_SEQ_CST));
}
inline pmd_t pmdp_huge_get_and_clear(mm_struct*, unsigned long, pmd_t* p) {
  return __pmd(__atomic_exchange_n(&p->pmd, pteval_t{0}, __ATOMIC_SEQ_CST));
}

// --- testing entries ------------------------------------------------------
inline bool pgd_none(pgd_t e) { return pgd_val(e) == 0; }
inline bool pgd_present(pgd_t e) { return pgd_val(e) & _PAGE_PRESENT; }
inline bool pud_none(pud_t e) { return pud_val(e) == 0; }
inline bool pud_present(pud_t e) { return pud_val(e) & _PAGE_PRESENT; }
inline bool pud_leaf(pud_t e) { return (pud_val(e) & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
inline bool pmd_none(pmd_t e) { return pmd_val(e) == 0; }
inline bool pmd_present(pmd_t e) { return pmd_val(e) & _PAGE_PRESENT; }
inline bool pmd_leaf(pmd_t e) { return (pmd_val(e) & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
inline bool pte_none(pte_t e) { return pte_val(e) == 0; }
inline bool pte_present(pte_t e) { return pte_val(e) & _PAGE_PRESENT; }
inline bool pte_write(pte_t e) { return pte_val(e) & _PAGE_RW; }
inline bool pte_dirty(pte_t e) { return pte_val(e) & _PAGE_DIRTY; }
inline bool pte_young(pte_t e) { return pte_val(e) & _PAGE_ACCESSED; }

inline u64 pte_pfn(pte_t e) { return (pte_val(e) & PTE_PFN_MASK) >> PAGE_SHIFT; }
inline u64 pmd_pfn(pmd_t e) {
  return (pmd_val(e) & (pmd_leaf(e) ? PMD_PAGE_PFN_MASK : PTE_PFN_MASK)) >> PAGE_SHIFT;
}
inline pteval_t pte_flags(pte_t e) { return pte_val(e) & PTE_FLAGS_MASK; }

inline pte_t pfn_pte(u64 pfn, pgprot_t prot) { return __pte((pfn << PAGE_SHIFT) | pgprot_val(prot)); }
// A 2 MiB leaf: the frame must be 2 MiB aligned.
inline pmd_t pfn_pmd_huge(u64 pfn, pgprot_t prot) {
  return __pmd((pfn << PAGE_SHIFT) | pgprot_val(prot) | _PAGE_PSE);
}

// --- entries pointing to the next table -----------------------------------
inline pgd_t mk_pgd_table(phys_addr_t table, pteval_t flags) { return __pgd(table.val | flags); }
inline pud_t mk_pud_table(phys_addr_t table, pteval_t flags) { return __pud(table.val | flags); }
inline pmd_t mk_pmd_table(phys_addr_t table, pteval_t flags) { return __pmd(table.val | flags); }

inline pud_t* pgd_pgtable(pgd_t e) { return static_cast<pud_t*>(pgtable_virt(phys_addr_t(pgd_val(e) & PTE_PFN_MASK))); }
inline pmd_t* pud_pgtable(pud_t e) { return static_cast<pmd_t*>(pgtable_virt(phys_addr_t(pud_val(e) & PTE_PFN_MASK))); }
inline pte_t* pmd_page_vaddr(pmd_t e) { return static_cast<pte_t*>(pgtable_virt(phys_addr_t(pmd_val(e) & PTE_PFN_MASK))); }

// --- one walk step per level (the caller checks the upper entry first) ---
pgd_t* pgd_offset(mm_struct* mm, unsigned long addr);
pgd_t* pgd_offset_k(unsigned long addr);  // in init_mm
inline pud_t* pud_offset(pgd_t* pgd, unsigned long a) { return pgd_pgtable(pgdp_get(pgd)) + pud_index(a); }
inline pmd_t* pmd_offset(pud_t* pud, unsigned long a) { return pud_pgtable(pudp_get(pud)) + pmd_index(a); }
inline pte_t* pte_offset_kernel(pmd_t* pmd, unsigned long a) { return pmd_page_vaddr(pmdp_get(pmd)) + pte_index(a); }
// No highmem: mapping a PTE page is just finding it.
inline pte_t* pte_offset_map(pmd_t* pmd, unsigned long a) { return pte_offset_kernel(pmd, a); }
inline pte_t* pte_offset(pmd_t* pmd, unsigned long a) { return pte_offset_kernel(pmd, a); }
