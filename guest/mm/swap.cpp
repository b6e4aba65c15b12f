// Swap slots on BLK_DEV_SWAP: a bitmap allocator and page-sized reads and writes.
#include "guest/mm/swap.h"

#include "guest/drivers/blkdev.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/report.h"
#include "guest/mm/page_alloc.h"
#include "guest/mm/slab.h"

namespace {

struct swap_info {
  spinlock_t lock;
  bool probed;
  u64 nr_slots;
  u64 used;
  u64* map;  // one bit per slot
  u64 pageouts, swapins;
};
constinit swap_info si{};

// The device's size is asked once, on first use.
void probe_locked() {
  if (si.probed) return;
  si.probed = true;
  u64 slots = blkdev_capacity(abi::BLK_DEV_SWAP);
  if (!slots) return;
  si.map = static_cast<u64*>(kzalloc((slots + 63) / 64 * sizeof(u64)));
  if (si.map) si.nr_slots = slots;
}

}  // namespace

u64 get_swap_slot() {
  spin_guard guard(&si.lock);
  probe_locked();
  for (u64 w = 0; w < (si.nr_slots + 63) / 64; w++) {
    if (si.map[w] == ~0ull) continue;
    u64 slot = w * 64 + static_cast<u64>(__builtin_ctzll(~si.map[w]));
    if (slot >= si.nr_slots) break;
    si.map[w] |= 1ull << (slot % 64);
    si.used++;
    return slot;
  }
  return ~0ull;
}

void free_swap_slot(u64 slot) {
  spin_guard guard(&si.lock);
  BUG_ON(slot >= si.nr_slots || !(si.map[slot / 64] & (1ull << (slot % 64))));
  si.map[slot / 64] &= ~(1ull << (slot % 64));
  si.used--;
}

int swap_writepage(page* p, u64 slot) {
  __atomic_fetch_add(&si.pageouts, 1, __ATOMIC_RELAXED);
  return blkdev_write(abi::BLK_DEV_SWAP, slot, page_address(p), 1);
}

int swap_readpage(page* p, u64 slot) {
  __atomic_fetch_add(&si.swapins, 1, __ATOMIC_RELAXED);
  return blkdev_read(abi::BLK_DEV_SWAP, slot, page_address(p), 1);
}

swap_stats swap_get_stats() {
  spin_guard guard(&si.lock);
  probe_locked();
  return {si.nr_slots, si.used, si.pageouts, si.swapins};
}
