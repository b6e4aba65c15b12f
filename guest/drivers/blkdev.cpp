// The block driver: hypercall results turned into errno values, calls counted.
#include "guest/drivers/blkdev.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/arch/x86/page.h"
#include "guest/include/atomic.h"
#include "guest/include/errno.h"

namespace {

constexpr unsigned BLKDEV_COUNT = abi::BLK_DEV_SWAP + 1;

struct blkdev_counters {
  atomic64_t reads, writes, flushes;
};
// Any vCPU may call any device at once: the counters are atomic.
constinit blkdev_counters counters[BLKDEV_COUNT];

bool valid_dev(abi::blk_dev dev) { return dev < BLKDEV_COUNT; }

int to_errno(s64 ret) {
  if (ret >= 0) return 0;
  switch (-ret) {
    case abi::HC_EINVAL: return -EINVAL;
    case abi::HC_ENOSYS: return -ENOSYS;
    default: return -EIO;
  }
}

}  // namespace

u64 blkdev_capacity(abi::blk_dev dev) {
  if (!valid_dev(dev)) return 0;
  s64 blocks = hc_blk_info(dev);
  return blocks < 0 ? 0 : static_cast<u64>(blocks);
}

int blkdev_read(abi::blk_dev dev, u64 block, void* buf, u64 nblocks) {
  if (!valid_dev(dev)) return -EINVAL;
  atomic64_inc(&counters[dev].reads);
  return to_errno(hc_blk_read(dev, block, virt_to_phys(buf), nblocks));
}

int blkdev_write(abi::blk_dev dev, u64 block, const void* buf, u64 nblocks) {
  if (!valid_dev(dev)) return -EINVAL;
  atomic64_inc(&counters[dev].writes);
  return to_errno(hc_blk_write(dev, block, virt_to_phys(buf), nblocks));
}

int blkdev_flush(abi::blk_dev dev) {
  if (!valid_dev(dev)) return -EINVAL;
  atomic64_inc(&counters[dev].flushes);
  return to_errno(hc_blk_flush(dev));
}

blkdev_stats blkdev_get_stats(abi::blk_dev dev) {
  if (!valid_dev(dev)) return {};
  const blkdev_counters& c = counters[dev];
  return {static_cast<u64>(atomic64_read(&c.reads)), static_cast<u64>(atomic64_read(&c.writes)),
          static_cast<u64>(atomic64_read(&c.flushes))};
}
