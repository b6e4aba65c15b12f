// move_page_tables() and move_ptes() with the three historical flush orderings (mremap.h).
#include "guest/mm/mremap.h"

#include "guest/arch/x86/tlb.h"
#include "guest/include/compiler.h"
#include "guest/kernel/cmdline.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/report.h"
#include "guest/lib/string.h"
#include "guest/mm/huge_memory.h"
#include "guest/mm/memory.h"
#include "guest/mm/pgtable_lock.h"
#include "guest/mm/vma.h"

namespace {

struct policy_name {
  mremap_flush_policy policy;
  const char* name;
};
constexpr policy_name POLICIES[] = {
    {mremap_flush_policy::after_unlock, "after-unlock"},
    {mremap_flush_policy::dirty_before_unlock, "dirty-before-unlock"},
    {mremap_flush_policy::always_before_unlock, "always-before-unlock"},
};

struct {
  u64 flushes_before_unlock, flushes_after_unlock, ptes_moved, huge_pmds_moved;
} counters;

void count(u64* c) { __atomic_fetch_add(c, 1, __ATOMIC_RELAXED); }

void flush_old_range(vm_area_struct* vma, unsigned long start, unsigned long end, bool before_unlock) {
  count(before_unlock ? &counters.flushes_before_unlock : &counters.flushes_after_unlock);
  flush_tlb_range(vma, start, end);
}

// Moves the PTEs of [old_addr, old_end) — all inside one PTE table, as are
// their destinations — under both tables' locks.
void move_ptes(vm_area_struct* vma, pmd_t old_pmd, unsigned long old_addr, unsigned long old_end,
               pmd_t new_pmd, unsigned long new_addr, bool* need_flush) {
  mm_struct* mm = vma->vm_mm;
  const unsigned long old_start = old_addr;
  spinlock_t* old_ptl;
  pte_t* old_pte = pte_offset_map_lock(old_pmd, old_addr, &old_ptl);
  spinlock_t* new_ptl = pte_lockptr(new_pmd);
  if (new_ptl != old_ptl) spin_lock(new_ptl);
  mark("move_ptes.lock", old_start);
  pte_t* new_pte = pmd_page_vaddr(new_pmd, new_addr) + pte_index(new_addr);
  bool moved_present = false, moved_dirty = false;
  for (; old_addr != old_end; old_addr += PAGE_SIZE, new_addr += PAGE_SIZE, old_pte++, new_pte++) {
    if (pte_none(ptep_get(old_pte))) continue;
    pte_t pte = ptep_get_and_clear(mm, old_addr, old_pte);
    // The old entry is gone from the tables, but not from the TLBs of CPUs
    // that used it: until the flush, they may still write through it.
    moved_present |= pte_present(pte);
    moved_dirty |= pte_present(pte) && pte_dirty(pte);
    set_pte(new_pte, pte);
    count(&counters.ptes_moved);
    mark("move_ptes.pte", old_addr);
  }
  mremap_flush_moved(vma, old_start, old_end, moved_present, moved_dirty, need_flush);
  if (new_ptl != old_ptl) spin_unlock(new_ptl);
  pte_unmap_unlock(old_ptl);
  mark("move_ptes.unlock", old_start);
}

// The pmd entries for one step of the move; false to stop (out of memory).
bool move_one_pmd(vm_area_struct* vma, unsigned long old_addr, unsigned long new_addr, unsigned long extent,
                  bool* need_flush) {
  mm_struct* mm = vma->vm_mm;
  pmd_t* old_pmd = mm_find_pmd(mm, old_addr);
  if (!old_pmd) return true;
  pmd_t opmd = pmdp_get(old_pmd);
  if (pmd_none(opmd)) return true;
  pmd_t* new_pmd = mm_alloc_pmd(mm, new_addr);
  if (!new_pmd) return false;
  if (pmd_leaf(opmd)) {
    if (extent == PMD_SIZE && move_huge_pmd(vma, old_addr, new_addr, old_pmd, new_pmd, need_flush)) {
      count(&counters.huge_pmds_moved);
      return true;
    }
    // Part of a huge page moves: split it and move PTEs (Linux's split_huge_pmd()).
    split_huge_pmd_and_page(vma, old_addr);
    opmd = pmdp_get(old_pmd);
    if (pmd_none(opmd)) return true;
  }
  pmd_t npmd = pte_alloc(mm, new_pmd);
  if (pmd_none(npmd)) return false;
  move_ptes(vma, opmd, old_addr, old_addr + extent, npmd, new_addr, need_flush);
  return true;
}

}  // namespace

mremap_flush_policy mremap_flush_mode() {
  static constinit int cached = -1;
  int c = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (c >= 0) return static_cast<mremap_flush_policy>(c);
  const char* want = cmdline_get("mremap_flush");
  mremap_flush_policy p = mremap_flush_policy::after_unlock;
  if (want) {
    bool found = false;
    for (const policy_name& pn : POLICIES)
      if (!strcmp(want, pn.name)) p = pn.policy, found = true;
    if (!found)
      panic("mremap_flush=%s: expected after-unlock, dirty-before-unlock or always-before-unlock", want);
  }
  __atomic_store_n(&cached, static_cast<int>(p), __ATOMIC_RELAXED);
  return p;
}

const char* mremap_flush_name(mremap_flush_policy p) {
  for (const policy_name& pn : POLICIES)
    if (pn.policy == p) return pn.name;
  return "?";
}

void mremap_flush_moved(vm_area_struct* vma, unsigned long old_start, unsigned long old_end,
                        bool moved_present, bool moved_dirty, bool* need_flush) {
  switch (mremap_flush_mode()) {
    case mremap_flush_policy::after_unlock:
      *need_flush = true;
      return;
    case mremap_flush_policy::dirty_before_unlock:
      if (moved_dirty) flush_old_range(vma, old_start, old_end, true);
      else *need_flush = true;
      return;
    case mremap_flush_policy::always_before_unlock:
      if (moved_present) flush_old_range(vma, old_start, old_end, true);
      return;
  }
}

unsigned long move_page_tables(vm_area_struct* vma, unsigned long old_addr, vm_area_struct* new_vma,
                               unsigned long new_addr, unsigned long len) {
  BUG_ON(vma->vm_mm != new_vma->vm_mm);
  const unsigned long old_end = old_addr + len;
  bool need_flush = false;
  mark("move_page_tables", old_addr);
  unsigned long extent;
  for (; old_addr < old_end; old_addr += extent, new_addr += extent) {
    // One step stays inside one PTE table at both ends.
    extent = pmd_addr_end(old_addr, old_end) - old_addr;
    extent = min_t(extent, PMD_SIZE - (new_addr & ~PMD_MASK));
    if (!move_one_pmd(vma, old_addr, new_addr, extent, &need_flush)) break;
  }
  // Before the seed fix, this is the only flush: the old entries lived in
  // other CPUs' TLBs through everything above, with no lock held.
  if (need_flush) flush_old_range(vma, old_end - len, old_addr, false);
  mark("move_page_tables.done", old_end - len);
  return len - (old_end - old_addr);
}

mremap_stats mremap_get_stats() {
  return {__atomic_load_n(&counters.flushes_before_unlock, __ATOMIC_RELAXED),
          __atomic_load_n(&counters.flushes_after_unlock, __ATOMIC_RELAXED),
          __atomic_load_n(&counters.ptes_moved, __ATOMIC_RELAXED),
          __atomic_load_n(&counters.huge_pmds_moved, __ATOMIC_RELAXED)};
}
