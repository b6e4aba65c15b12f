// x86-64 4-level paging entry formats (SDM vol. 3, 4.5), under Linux's names.
//
//   pgd (PML4E) -> pud (PDPTE) -> pmd (PDE; PS=1: 2 MiB page) -> pte (4 KiB page)
//
// Each level has its own wrapper type so an entry of one level cannot be
// stored into a table of another. 1 GiB pages are not used: this host's KVM
// has no pdpe1gb (DESIGN.md §6).
#pragma once

#include "guest/arch/x86/page.h"
#include "guest/include/types.h"

using pteval_t = u64;

struct pgd_t { pteval_t pgd; };
struct pud_t { pteval_t pud; };
struct pmd_t { pteval_t pmd; };
struct pte_t { pteval_t pte; };
struct pgprot_t { pteval_t pgprot; };

constexpr pgd_t __pgd(pteval_t v) { return {v}; }
constexpr pud_t __pud(pteval_t v) { return {v}; }
constexpr pmd_t __pmd(pteval_t v) { return {v}; }
constexpr pte_t __pte(pteval_t v) { return {v}; }
constexpr pgprot_t __pgprot(pteval_t v) { return {v}; }
constexpr pteval_t pgd_val(pgd_t e) { return e.pgd; }
constexpr pteval_t pud_val(pud_t e) { return e.pud; }
constexpr pteval_t pmd_val(pmd_t e) { return e.pmd; }
constexpr pteval_t pte_val(pte_t e) { return e.pte; }
constexpr pteval_t pgprot_val(pgprot_t p) { return p.pgprot; }

// Bits as the SDM names them (Table 4-19): P RW US PWT PCD A D PS/PAT G XD.
inline constexpr pteval_t _PAGE_PRESENT = 1ull << 0;
inline constexpr pteval_t _PAGE_RW = 1ull << 1;
inline constexpr pteval_t _PAGE_USER = 1ull << 2;
inline constexpr pteval_t _PAGE_PWT = 1ull << 3;
inline constexpr pteval_t _PAGE_PCD = 1ull << 4;
inline constexpr pteval_t _PAGE_ACCESSED = 1ull << 5;
inline constexpr pteval_t _PAGE_DIRTY = 1ull << 6;
inline constexpr pteval_t _PAGE_PSE = 1ull << 7;  // in a pmd/pud: maps a large page
inline constexpr pteval_t _PAGE_GLOBAL = 1ull << 8;
inline constexpr pteval_t _PAGE_NX = 1ull << 63;   // needs EFER.NXE
// Bits 9..11 are ignored by the MMU (SDM Table 4-19): software may use them.
inline constexpr unsigned _PAGE_BIT_SOFTW1 = 9;
inline constexpr unsigned _PAGE_BIT_SOFTW2 = 10;
inline constexpr unsigned _PAGE_BIT_SOFTW3 = 11;
inline constexpr pteval_t _PAGE_SOFTW1 = 1ull << _PAGE_BIT_SOFTW1;
inline constexpr pteval_t _PAGE_SOFTW2 = 1ull << _PAGE_BIT_SOFTW2;
inline constexpr pteval_t _PAGE_SOFTW3 = 1ull << _PAGE_BIT_SOFTW3;

// Physical-address fields (MAXPHYADDR 52): a table or 4 KiB frame, and a
// 2 MiB frame (bit 12 of a large-page entry is PAT, not address).
inline constexpr pteval_t PTE_PFN_MASK = 0x000f'ffff'ffff'f000ull;
inline constexpr pteval_t PMD_PAGE_PFN_MASK = 0x000f'ffff'ffe0'0000ull;
inline constexpr pteval_t PTE_FLAGS_MASK = ~PTE_PFN_MASK;

// Entries pointing to a lower table. Upper levels grant everything, the leaf
// decides (the effective rights are the AND of all levels, SDM 4.6).
inline constexpr pteval_t _KERNPG_TABLE = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
inline constexpr pteval_t _PAGE_TABLE = _KERNPG_TABLE | _PAGE_USER;

// Kernel mappings are created accessed and dirty: the kernel never tracks
// them, and the walker then never has to set A/D on them.
inline constexpr pgprot_t PAGE_KERNEL = {_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY};
inline constexpr pgprot_t PAGE_KERNEL_RO = {_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY};
// User mappings start clean: the first write sets D (DESIGN.md §2, rule 2).
inline constexpr pgprot_t PAGE_SHARED = {_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED};
inline constexpr pgprot_t PAGE_READONLY = {_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED};

static_assert(PTRS_PER_TABLE * sizeof(pte_t) == PAGE_SIZE, "a table fills one page");
static_assert(PAGE_SHIFT + 9 == PMD_SHIFT && PMD_SHIFT + 9 == PUD_SHIFT && PUD_SHIFT + 9 == PGDIR_SHIFT);
static_assert((PTE_PFN_MASK & PMD_PAGE_PFN_MASK) == PMD_PAGE_PFN_MASK);
static_assert(sizeof(pgd_t) == 8 && sizeof(pud_t) == 8 && sizeof(pmd_t) == 8 && sizeof(pte_t) == 8);
