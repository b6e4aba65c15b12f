// Page allocator: per-order LIFO free lists over a never-used range eaten from both ends.
//
//   pfn:  min_pfn        lo                      hi            max_pfn
//         | freed blocks | never used (all zero) | 2 MiB blocks |
//           -> free lists   <- small from lo       from hi ->
//
// A block carved from [lo, hi) must be aligned to its size; the alignment gap
// it leaves is pushed to the free lists as "fresh" blocks (PG_fresh: still
// zero, never handed out, so no hint and no clearing when they are).
#include "guest/mm/page_alloc.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/include/compiler.h"
#include "guest/kernel/panic.h"
#include "guest/lib/string.h"

page* mem_map;
u64 max_pfn;

namespace {

struct free_list {
  page* head;
  u64 nr_free;
};

struct zone {
  spinlock_t lock;
  u64 min_pfn;  // first frame the allocator manages
  u64 lo, hi;   // never-used frames [lo, hi)
  free_list free_area[MAX_PAGE_ORDER + 1];
  u64 nr_free_pages;
  u64 freed_hints, reused_hints, fresh_allocs;
};

constinit zone zone0{};

struct block {
  page* head;
  bool fresh;
};

void push_block(u64 pfn, unsigned order, bool fresh) {
  page* p = pfn_to_page(pfn);
  p->flags = (p->flags & ~PG_fresh) | PG_buddy | (fresh ? PG_fresh : 0ul);
  p->order = order;
  p->buddy_next = zone0.free_area[order].head;
  zone0.free_area[order].head = p;
  zone0.free_area[order].nr_free++;
  zone0.nr_free_pages += u64{1} << order;
}

block pop_block(unsigned order) {
  page* p = zone0.free_area[order].head;
  if (!p) return {nullptr, false};
  zone0.free_area[order].head = p->buddy_next;
  zone0.free_area[order].nr_free--;
  zone0.nr_free_pages -= u64{1} << order;
  bool fresh = p->flags & PG_fresh;
  p->flags &= ~(PG_buddy | PG_fresh);
  p->buddy_next = nullptr;
  return {p, fresh};
}

// Pushes never-used frames [a, b) as the fewest aligned fresh blocks.
void push_fresh_range(u64 a, u64 b) {
  while (a < b) {
    unsigned order = MAX_PAGE_ORDER;
    while (order && (!is_aligned(a, u64{1} << order) || a + (u64{1} << order) > b)) order--;
    push_block(a, order, true);
    a += u64{1} << order;
  }
}

block take_never_used(unsigned order) {
  const u64 n = u64{1} << order;
  u64 start;
  if (order == MAX_PAGE_ORDER) {
    if (zone0.hi < n) return {nullptr, false};
    start = round_down(zone0.hi - n, n);
    if (start < zone0.lo) return {nullptr, false};
    push_fresh_range(start + n, zone0.hi);
    zone0.hi = start;
  } else {
    start = round_up(zone0.lo, n);
    if (start + n > zone0.hi) return {nullptr, false};
    push_fresh_range(zone0.lo, start);
    zone0.lo = start + n;
  }
  return {pfn_to_page(start), true};
}

// Takes the smallest larger free block and returns its first 2^order frames;
// the rest goes back as one block of each order in between (buddy split).
block split_larger(unsigned order) {
  for (unsigned k = order + 1; k <= MAX_PAGE_ORDER; k++) {
    block b = pop_block(k);
    if (!b.head) continue;
    u64 pfn = page_to_pfn(b.head);
    while (k > order) {
      k--;
      push_block(pfn + (u64{1} << k), k, b.fresh);
    }
    return b;
  }
  return {nullptr, false};
}

}  // namespace

void page_alloc_init(phys_addr_t first_free, phys_addr_t ram_end) {
  max_pfn = PHYS_PFN(ram_end);
  phys_addr_t map = phys_addr_t(round_up(first_free.val, PAGE_SIZE));
  phys_addr_t map_end = phys_addr_t(round_up(map.val + max_pfn * sizeof(page), PAGE_SIZE));
  if (map_end >= ram_end)
    panic("RAM too small: %lu KiB, the kernel and mem_map need %lu KiB", ram_end.val >> 10,
          map_end.val >> 10);
  mem_map = static_cast<page*>(phys_to_virt(map));
  zone0.min_pfn = PHYS_PFN(map_end);
  zone0.lo = zone0.min_pfn;
  zone0.hi = max_pfn;
}

page* alloc_pages_report_zero(gfp_t, unsigned order, bool* is_zero) {
  BUG_ON(order > MAX_PAGE_ORDER);
  block b;
  {
    spin_guard guard(&zone0.lock);
    b = pop_block(order);
    if (!b.head) b = take_never_used(order);
    if (!b.head) b = split_larger(order);
    if (b.head) ++(b.fresh ? zone0.fresh_allocs : zone0.reused_hints);
  }
  if (!b.head) return nullptr;
  page* p = b.head;
  p->flags = 0;
  p->order = order;
  p->private_ = 0;
  p->mapping = nullptr;
  p->index = 0;
  atomic_set(&p->_mapcount, 0);
  atomic_set(&p->_refcount, 1);
  if (!b.fresh) hc_mmu_page_reused(page_to_pfn(p), order);
  *is_zero = b.fresh;
  return p;
}

page* alloc_pages(gfp_t gfp, unsigned order) {
  bool is_zero;
  page* p = alloc_pages_report_zero(gfp, order, &is_zero);
  if (p && !is_zero && (gfp & __GFP_ZERO)) memset(page_address(p), 0, PAGE_SIZE << order);
  return p;
}

void __free_pages(page* p, unsigned order) {
  u64 pfn = page_to_pfn(p);
  if (pfn < zone0.min_pfn || pfn + (u64{1} << order) > max_pfn)
    panic("freeing pfn %#lx order %u outside the allocator", pfn, order);
  if (p->flags & PG_buddy) panic("double free of pfn %#lx", pfn);
  if (p->order != order) panic("pfn %#lx allocated with order %u, freed with %u", pfn, p->order, order);
  atomic_set(&p->_refcount, 0);
  // Tell the VMM before the block can be handed out again by another CPU.
  hc_mmu_page_freed(pfn, order);
  spin_guard guard(&zone0.lock);
  zone0.freed_hints++;
  push_block(pfn, order, false);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned order) {
  page* p = alloc_pages(gfp, order);
  return p ? reinterpret_cast<unsigned long>(page_address(p)) : 0;
}

void free_pages(unsigned long addr, unsigned order) {
  if (addr) __free_pages(virt_to_page(reinterpret_cast<void*>(addr)), order);
}

page_alloc_stats page_alloc_get_stats() {
  spin_guard guard(&zone0.lock);
  return {zone0.nr_free_pages, zone0.hi - zone0.lo, zone0.freed_hints, zone0.reused_hints,
          zone0.fresh_allocs};
}
