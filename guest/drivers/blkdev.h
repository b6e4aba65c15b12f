// The paravirtual block devices: the disk and the swap area (HC_BLK_*, docs/abi.md).
//
// Each call is one hypercall that completes before it returns: the VMM copies
// between its backing store and guest RAM like a DMA engine, so there are no
// queues, no interrupts and no request structures.
#pragma once

#include "abi/hypercall.h"
#include "guest/include/types.h"

namespace abi = shadowtlb::abi;

inline constexpr u64 BLKDEV_BLOCK_SIZE = abi::BLK_BLOCK_SIZE;

// Capacity in blocks; 0 if the machine has no such device (--swap-size 0).
u64 blkdev_capacity(abi::blk_dev dev);

// Move nblocks blocks starting at `block`. buf is a kernel address (direct
// map or kernel image) of nblocks * BLKDEV_BLOCK_SIZE bytes; both maps are
// linear, so any such range is physically contiguous: page_address() of an
// alloc_pages() block, or a kmalloc'd buffer that stays inside one page.
// Returns 0, -EINVAL (range outside the device or RAM), -EIO (the host's
// backing store failed) or -ENOSYS (no such device).
int blkdev_read(abi::blk_dev dev, u64 block, void* buf, u64 nblocks);
int blkdev_write(abi::blk_dev dev, u64 block, const void* buf, u64 nblocks);
// Returns once every completed write is on the host's stable storage (fsync).
int blkdev_flush(abi::blk_dev dev);

// Calls made per device, failed ones included: for tests.
struct blkdev_stats {
  u64 reads, writes, flushes;
};
blkdev_stats blkdev_get_stats(abi::blk_dev dev);
