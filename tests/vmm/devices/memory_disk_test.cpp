// MemoryDisk and the BlockDevice checks every device shares: ranges, whole blocks, counters.
#include "vmm/devices/memory_disk.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace shadowtlb::vmm {
namespace {

std::vector<std::byte> blocks_of(std::size_t n, std::uint8_t value) {
  return std::vector<std::byte>(n * kBlockSize, std::byte{value});
}

TEST(MemoryDisk, CapacityIsWholeBlocks) {
  EXPECT_EQ(MemoryDisk(16 << 20).capacity(), 4096u);
  EXPECT_EQ(MemoryDisk(3 * kBlockSize + 100).capacity(), 3u);
  EXPECT_EQ(MemoryDisk(100).capacity(), 0u);
  EXPECT_EQ(MemoryDisk(kBlockSize).backing_path(), "");
}

TEST(MemoryDisk, StartsZeroedAndReadsBackWhatWasWritten) {
  MemoryDisk disk(8 * kBlockSize);
  std::vector<std::byte> in = blocks_of(2, 0xee);
  ASSERT_EQ(disk.read(6, in), BlockStatus::ok);
  EXPECT_EQ(in, blocks_of(2, 0));

  std::vector<std::byte> out = blocks_of(2, 0x5a);
  out[kBlockSize] = std::byte{1};  // the second block differs from the first
  ASSERT_EQ(disk.write(6, out), BlockStatus::ok);
  ASSERT_EQ(disk.read(6, in), BlockStatus::ok);
  EXPECT_EQ(in, out);
  std::vector<std::byte> neighbour = blocks_of(1, 0xee);
  ASSERT_EQ(disk.read(5, neighbour), BlockStatus::ok);
  EXPECT_EQ(neighbour, blocks_of(1, 0));
}

TEST(MemoryDisk, OutOfRangeAndPartialBlocksAreRefused) {
  MemoryDisk disk(4 * kBlockSize);
  std::vector<std::byte> one = blocks_of(1, 0);
  std::vector<std::byte> two = blocks_of(2, 0);
  EXPECT_EQ(disk.read(4, one), BlockStatus::out_of_range);
  EXPECT_EQ(disk.read(3, two), BlockStatus::out_of_range);
  EXPECT_EQ(disk.write(4, one), BlockStatus::out_of_range);
  // block + nblocks wraps around 2^64.
  EXPECT_EQ(disk.read(~std::uint64_t{0}, two), BlockStatus::out_of_range);
  std::vector<std::byte> half(kBlockSize / 2);
  EXPECT_EQ(disk.write(0, half), BlockStatus::out_of_range);
  EXPECT_EQ(disk.stats().read_calls, 0u);  // refused requests count nowhere
  EXPECT_EQ(disk.stats().write_calls, 0u);
}

TEST(MemoryDisk, EmptyRequestUpToTheEndIsFine) {
  MemoryDisk disk(4 * kBlockSize);
  EXPECT_EQ(disk.read(4, {}), BlockStatus::ok);
  EXPECT_EQ(disk.write(0, {}), BlockStatus::ok);
  EXPECT_EQ(disk.read(5, {}), BlockStatus::out_of_range);
}

TEST(MemoryDisk, CountsCallsAndBlocks) {
  MemoryDisk disk(8 * kBlockSize);
  std::vector<std::byte> three = blocks_of(3, 1);
  ASSERT_EQ(disk.write(0, three), BlockStatus::ok);
  ASSERT_EQ(disk.read(0, three), BlockStatus::ok);
  ASSERT_EQ(disk.read(4, three), BlockStatus::ok);
  ASSERT_EQ(disk.flush(), BlockStatus::ok);
  const BlockStats s = disk.stats();
  EXPECT_EQ(s.write_calls, 1u);
  EXPECT_EQ(s.blocks_written, 3u);
  EXPECT_EQ(s.read_calls, 2u);
  EXPECT_EQ(s.blocks_read, 6u);
  EXPECT_EQ(s.flush_calls, 1u);
}

// Each request is atomic: a block read never mixes two concurrent writes.
TEST(MemoryDisk, ConcurrentWritersNeverTearABlock) {
  MemoryDisk disk(kBlockSize);
  std::vector<std::thread> writers;
  for (std::uint8_t v = 1; v <= 4; ++v)
    writers.emplace_back([&disk, v] {
      std::vector<std::byte> block = blocks_of(1, v);
      for (int i = 0; i < 500; ++i) ASSERT_EQ(disk.write(0, block), BlockStatus::ok);
    });
  std::vector<std::byte> seen(kBlockSize);
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(disk.read(0, seen), BlockStatus::ok);
    for (std::byte b : seen) ASSERT_EQ(b, seen[0]);
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(disk.stats().write_calls, 2000u);
}

}  // namespace
}  // namespace shadowtlb::vmm
