// Self-tests of the paravirtual block devices (guest/drivers/blkdev.h) under the VMM's defaults.
//
// They use only the last blocks of each device: the file system and the swap
// allocator hand out blocks from the front, so earlier or later tests that
// use them never see these writes.
#include "guest/drivers/blkdev.h"
#include "guest/include/errno.h"
#include "guest/kernel/test.h"
#include "guest/lib/string.h"
#include "guest/mm/page_alloc.h"
#include "images/selftest/blkdev_pattern.h"

namespace {

// The VMM's default --disk-size and --swap-size (16 MiB each).
constexpr u64 DEFAULT_BLOCKS = (16ull << 20) / BLKDEV_BLOCK_SIZE;

// Fills n blocks with words no other block or device repeats: seed ^ index.
void fill(void* buf, u64 nblocks, u64 seed) {
  auto* w = static_cast<u64*>(buf);
  for (u64 i = 0; i < nblocks * BLKDEV_BLOCK_SIZE / sizeof(u64); i++) w[i] = seed ^ i;
}

// Writes nblocks at block, reads them back into another buffer, compares.
void round_trip(abi::blk_dev dev, u64 block, unsigned order) {
  const u64 nblocks = u64{1} << order;
  page* out = alloc_pages(GFP_KERNEL, order);
  page* in = alloc_pages(GFP_KERNEL, order);
  ASSERT_TRUE(out != nullptr && in != nullptr);
  fill(page_address(out), nblocks, 0xb10c0000ull + dev);
  memset(page_address(in), 0xee, nblocks * BLKDEV_BLOCK_SIZE);

  blkdev_stats s0 = blkdev_get_stats(dev);
  EXPECT_EQ(blkdev_write(dev, block, page_address(out), nblocks), 0);
  EXPECT_EQ(blkdev_read(dev, block, page_address(in), nblocks), 0);
  EXPECT_EQ(memcmp(page_address(in), page_address(out), nblocks * BLKDEV_BLOCK_SIZE), 0);
  blkdev_stats s1 = blkdev_get_stats(dev);
  EXPECT_EQ(s1.writes, s0.writes + 1);
  EXPECT_EQ(s1.reads, s0.reads + 1);
  __free_pages(out, order);
  __free_pages(in, order);
}

}  // namespace

TEST(blkdev, capacity_of_disk_and_swap) {
  EXPECT_EQ(blkdev_capacity(abi::BLK_DEV_DISK), DEFAULT_BLOCKS);
  EXPECT_EQ(blkdev_capacity(abi::BLK_DEV_SWAP), DEFAULT_BLOCKS);
}

TEST(blkdev, disk_round_trip_of_two_blocks) {
  const u64 blocks = blkdev_capacity(abi::BLK_DEV_DISK);
  ASSERT_GE(blocks, 3u);
  round_trip(abi::BLK_DEV_DISK, blocks - 3, 1);
}

TEST(blkdev, swap_round_trip_of_a_page) {
  const u64 blocks = blkdev_capacity(abi::BLK_DEV_SWAP);
  if (blocks == 0) TEST_SKIP("no swap device (--swap-size 0)");
  round_trip(abi::BLK_DEV_SWAP, blocks - 1, 0);
}

TEST(blkdev, out_of_range_is_einval) {
  const u64 blocks = blkdev_capacity(abi::BLK_DEV_DISK);
  page* p = alloc_page(GFP_KERNEL);
  ASSERT_TRUE(p != nullptr);
  void* buf = page_address(p);
  EXPECT_EQ(blkdev_read(abi::BLK_DEV_DISK, blocks, buf, 1), -EINVAL);
  EXPECT_EQ(blkdev_read(abi::BLK_DEV_DISK, blocks - 1, buf, 2), -EINVAL);
  EXPECT_EQ(blkdev_write(abi::BLK_DEV_DISK, blocks, buf, 1), -EINVAL);
  // block + nblocks wraps around 2^64: must not pass a naive end check.
  EXPECT_EQ(blkdev_read(abi::BLK_DEV_DISK, ~0ull, buf, 2), -EINVAL);
  // More blocks than guest RAM holds: refused before the device is touched.
  EXPECT_EQ(blkdev_read(abi::BLK_DEV_DISK, 0, buf, ~0ull >> 12), -EINVAL);
  EXPECT_EQ(blkdev_read(static_cast<abi::blk_dev>(7), 0, buf, 1), -EINVAL);
  __free_page(p);
}

TEST(blkdev, flush_returns_zero) {
  blkdev_stats s0 = blkdev_get_stats(abi::BLK_DEV_DISK);
  EXPECT_EQ(blkdev_flush(abi::BLK_DEV_DISK), 0);
  EXPECT_EQ(blkdev_get_stats(abi::BLK_DEV_DISK).flushes, s0.flushes + 1);
  if (blkdev_capacity(abi::BLK_DEV_SWAP) != 0) EXPECT_EQ(blkdev_flush(abi::BLK_DEV_SWAP), 0);
}

// Leaves BLKDEV_SELFTEST_PATTERN in the disk's last block for the host to
// check (tests/integration/blkdev_test.cpp runs this with --disk FILE).
TEST(blkdev, disk_last_block_holds_the_pattern) {
  const u64 last = blkdev_capacity(abi::BLK_DEV_DISK) - 1;
  page* p = alloc_page(GFP_KERNEL);
  ASSERT_TRUE(p != nullptr);
  auto* w = static_cast<u64*>(page_address(p));
  for (u64 i = 0; i < BLKDEV_BLOCK_SIZE / sizeof(u64); i++) w[i] = BLKDEV_SELFTEST_PATTERN;
  EXPECT_EQ(blkdev_write(abi::BLK_DEV_DISK, last, w, 1), 0);
  EXPECT_EQ(blkdev_flush(abi::BLK_DEV_DISK), 0);
  memset(w, 0, BLKDEV_BLOCK_SIZE);
  EXPECT_EQ(blkdev_read(abi::BLK_DEV_DISK, last, w, 1), 0);
  EXPECT_EQ(w[0], BLKDEV_SELFTEST_PATTERN);
  EXPECT_EQ(w[511], BLKDEV_SELFTEST_PATTERN);
  __free_page(p);
}
