// Page-table entry tests, accessors and the *_offset() walk steps (Linux's asm/pgtable.h).
//
// Every read and write of a table entry goes through the functions here
// (ptep_get, set_pte, ptep_get_and_clear, ...), and every pointer to a table
// page comes from pgtable_virt(), which sends a user mm's tables through the
// page-table view (pgtable_view.h): there each entry access traps to the VMM.
#pragma once

#include "guest/arch/x86/pgtable_types.h"
#include "guest/arch/x86/pgtable_view.h"
#include "guest/include/compiler.h"

struct mm_struct;

// The one place a table page's physical address becomes a pointer. addr is
// an address the table translates: below TASK_SIZE the table belongs to a
// user mm (init_mm maps nothing there) and is reached only through the view;
// above, it is one of the kernel's fixed tables, on the direct map.
inline void* pgtable_virt(phys_addr_t table, unsigned long addr) {
  return addr < TASK_SIZE ? pt_view_virt(table) : phys_to_virt(table);
}
phys_addr_t pgtable_phys(const void* table);  // inverse of pgtable_virt(), either alias

constexpr unsigned pgd_index(unsigned long a) { return (a >> PGDIR_SHIFT) & (PTRS_PER_TABLE - 1); }
constexpr unsigned pud_index(unsigned long a) { return (a >> PUD_SHIFT) & (PTRS_PER_TABLE - 1); }
constexpr unsigned pmd_index(unsigned long a) { return (a >> PMD_SHIFT) & (PTRS_PER_TABLE - 1); }
constexpr unsigned pte_index(unsigned long a) { return (a >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1); }

// Linux's p?d_addr_end(): the end of the block of one entry holding addr,
// capped at end (compared as end - 1 so an end of 0, the top, works).
inline unsigned long pxd_addr_end(unsigned long addr, unsigned long end, u64 size) {
  unsigned long next = (addr & ~(size - 1)) + size;
  return next - 1 < end - 1 ? next : end;
}
inline unsigned long pgd_addr_end(unsigned long a, unsigned long end) { return pxd_addr_end(a, end, PGDIR_SIZE); }
inline unsigned long pud_addr_end(unsigned long a, unsigned long end) { return pxd_addr_end(a, end, PUD_SIZE); }
inline unsigned long pmd_addr_end(unsigned long a, unsigned long end) { return pxd_addr_end(a, end, PMD_SIZE); }

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
// xchg: stores v, returns what the entry held.
inline pte_t ptep_xchg(pte_t* p, pte_t v) { return __pte(__atomic_exchange_n(&p->pte, v.pte, __ATOMIC_SEQ_CST)); }
// lock cmpxchg: stores v if the entry still holds *old; otherwise *old gets
// what it holds (Linux's try_cmpxchg convention).
inline bool ptep_try_cmpxchg(pte_t* p, pte_t* old, pte_t v) {
  return __atomic_compare_exchange_n(&p->pte, &old->pte, v.pte, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST);
}
// lock bts / lock btr on one bit, as Linux's set_bit()/clear_bit() on a PTE,
// but on the whole 8-byte entry (one 8-byte read and write exit each).
inline void ptep_set_bit(unsigned bit, pte_t* p) {
  asm volatile("lock btsq %1, %0" : "+m"(p->pte) : "Ir"(static_cast<u64>(bit)) : "memory");
}
inline void ptep_clear_bit(unsigned bit, pte_t* p) {
  asm volatile("lock btrq %1, %0" : "+m"(p->pte) : "Ir"(static_cast<u64>(bit)) : "memory");
}
// lock or / lock and with a mask.
inline void ptep_set_flags(pte_t* p, pteval_t flags) {
  asm volatile("lock orq %1, %0" : "+m"(p->pte) : "r"(flags) : "memory");
}
inline void ptep_clear_flags(pte_t* p, pteval_t flags) {
  asm volatile("lock andq %1, %0" : "+m"(p->pte) : "r"(~flags) : "memory");
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
inline pte_t pte_mkwrite(pte_t e) { return __pte(pte_val(e) | _PAGE_RW); }
inline pte_t pte_wrprotect(pte_t e) { return __pte(pte_val(e) & ~_PAGE_RW); }
inline pte_t pte_mkclean(pte_t e) { return __pte(pte_val(e) & ~_PAGE_DIRTY); }
inline pte_t pte_mkdirty(pte_t e) { return __pte(pte_val(e) | _PAGE_DIRTY); }

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

// The table an entry points to; addr (an address it translates) picks the
// alias, see pgtable_virt().
inline pud_t* pgd_pgtable(pgd_t e, unsigned long addr) {
  return static_cast<pud_t*>(pgtable_virt(phys_addr_t(pgd_val(e) & PTE_PFN_MASK), addr));
}
inline pmd_t* pud_pgtable(pud_t e, unsigned long addr) {
  return static_cast<pmd_t*>(pgtable_virt(phys_addr_t(pud_val(e) & PTE_PFN_MASK), addr));
}
inline pte_t* pmd_page_vaddr(pmd_t e, unsigned long addr) {
  return static_cast<pte_t*>(pgtable_virt(phys_addr_t(pmd_val(e) & PTE_PFN_MASK), addr));
}

// --- one walk step per level (the caller checks the upper entry first) ---
pgd_t* pgd_offset(mm_struct* mm, unsigned long addr);
pgd_t* pgd_offset_k(unsigned long addr);  // in init_mm
inline pud_t* pud_offset(pgd_t* pgd, unsigned long a) { return pgd_pgtable(pgdp_get(pgd), a) + pud_index(a); }
inline pmd_t* pmd_offset(pud_t* pud, unsigned long a) { return pud_pgtable(pudp_get(pud), a) + pmd_index(a); }
inline pte_t* pte_offset_kernel(pmd_t* pmd, unsigned long a) { return pmd_page_vaddr(pmdp_get(pmd), a) + pte_index(a); }
// No highmem: mapping a PTE page is just finding it.
inline pte_t* pte_offset_map(pmd_t* pmd, unsigned long a) { return pte_offset_kernel(pmd, a); }
inline pte_t* pte_offset(pmd_t* pmd, unsigned long a) { return pte_offset_kernel(pmd, a); }
