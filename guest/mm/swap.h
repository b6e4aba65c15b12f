// The swap area and swap entries (Linux's mm/swapfile.c and swap_state.c, reduced).
//
// Slots are 4 KiB blocks of BLK_DEV_SWAP. A paged-out anonymous page leaves
// a swap entry in its PTE: not present, the slot number in the address bits,
// and _PAGE_SWP_MARK so an entry for slot 0 is not pte_none().
#pragma once

#include "guest/arch/x86/pgtable.h"

inline constexpr pteval_t _PAGE_SWP_MARK = _PAGE_SOFTW2;

inline bool is_swap_pte(pte_t pte) { return !pte_none(pte) && !pte_present(pte); }
inline pte_t swp_entry_to_pte(u64 slot) { return __pte((slot << PAGE_SHIFT) | _PAGE_SWP_MARK); }
inline u64 pte_to_swp_slot(pte_t pte) { return (pte_val(pte) & PTE_PFN_MASK) >> PAGE_SHIFT; }

// A free slot, or ~0ull when the swap area is full or absent.
u64 get_swap_slot();
void free_swap_slot(u64 slot);
// 0 or a negated errno.
int swap_writepage(struct page* p, u64 slot);
int swap_readpage(struct page* p, u64 slot);

struct swap_stats {
  u64 slots_total, slots_used, pageouts, swapins;
};
swap_stats swap_get_stats();
