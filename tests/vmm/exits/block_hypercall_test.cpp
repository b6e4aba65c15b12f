// HC_BLK_*: four arguments from sync regs, guest RAM as the buffer, every bad argument refused.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "support/fake_machine.h"
#include "vmm/devices/memory_disk.h"
#include "vmm/exits/hypercall_handler.h"
#include "vmm/exits/passthrough_mmu.h"

namespace shadowtlb::vmm {
namespace {

constexpr std::uint64_t kRam = 4 << 20;  // FakeMachine's
constexpr std::uint64_t kDiskBlocks = 64;
constexpr std::uint64_t kBuffer = 0x10000;

class BlockHypercallTest : public ::testing::Test {
 protected:
  BlockHypercallTest() {
    machine.block_devices.set(abi::BLK_DEV_DISK,
                              std::make_unique<MemoryDisk>(kDiskBlocks * kBlockSize));
  }

  std::int64_t call(abi::hc nr, std::uint64_t dev, std::uint64_t block = 0,
                    std::uint64_t gpa = 0, std::uint64_t nblocks = 0) {
    kvm_regs& r = ctx.regs();
    r.rdi = dev;
    r.rsi = block;
    r.rdx = gpa;
    r.r10 = nblocks;
    EXPECT_EQ(handler.handle(ctx, nr), VcpuStep::resume);
    return static_cast<std::int64_t>(r.rax);
  }
  BlockDevice& disk() { return *machine.block_devices.get(abi::BLK_DEV_DISK); }

  test::FakeMachine machine;
  PassthroughMmu mmu{machine.memory(), 2};
  HypercallHandler handler{machine, mmu};
  test::FakeRun fake;
  ExitContext ctx{0, fake.run()};
};

TEST_F(BlockHypercallTest, InfoIsTheCapacityInBlocks) {
  EXPECT_EQ(call(abi::HC_BLK_INFO, abi::BLK_DEV_DISK), static_cast<std::int64_t>(kDiskBlocks));
}

TEST_F(BlockHypercallTest, AbsentDeviceIsENOSYSAndUnknownOneEINVAL) {
  for (abi::hc nr : {abi::HC_BLK_INFO, abi::HC_BLK_READ, abi::HC_BLK_WRITE, abi::HC_BLK_FLUSH}) {
    EXPECT_EQ(call(nr, abi::BLK_DEV_SWAP, 0, kBuffer, 1), -abi::HC_ENOSYS) << nr;
    EXPECT_EQ(call(nr, 2, 0, kBuffer, 1), -abi::HC_EINVAL) << nr;
    EXPECT_EQ(call(nr, ~0ull, 0, kBuffer, 1), -abi::HC_EINVAL) << nr;
  }
  EXPECT_FALSE(machine.stopped);
}

TEST_F(BlockHypercallTest, WriteThenReadMovesGuestRamThroughTheDevice) {
  std::vector<std::uint64_t> words(1024);
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = 0xb10c000000000000ull + i;
  std::span<std::byte> ram = machine.memory().host_span(GuestPhysAddr(kBuffer), 2 * kBlockSize);
  std::memcpy(ram.data(), words.data(), ram.size());
  EXPECT_EQ(call(abi::HC_BLK_WRITE, abi::BLK_DEV_DISK, 10, kBuffer, 2), 0);

  std::memset(ram.data(), 0, ram.size());
  EXPECT_EQ(call(abi::HC_BLK_READ, abi::BLK_DEV_DISK, 10, kBuffer, 2), 0);
  EXPECT_EQ(std::memcmp(ram.data(), words.data(), ram.size()), 0);
  EXPECT_EQ(disk().stats().blocks_written, 2u);
  EXPECT_EQ(disk().stats().blocks_read, 2u);
  EXPECT_EQ(call(abi::HC_BLK_FLUSH, abi::BLK_DEV_DISK), 0);
  EXPECT_EQ(disk().stats().flush_calls, 1u);
}

TEST_F(BlockHypercallTest, BlocksOutsideTheDeviceAreEINVAL) {
  EXPECT_EQ(call(abi::HC_BLK_READ, abi::BLK_DEV_DISK, kDiskBlocks, kBuffer, 1), -abi::HC_EINVAL);
  EXPECT_EQ(call(abi::HC_BLK_WRITE, abi::BLK_DEV_DISK, kDiskBlocks - 1, kBuffer, 2),
            -abi::HC_EINVAL);
  // block + nblocks wraps around 2^64 to a small number.
  EXPECT_EQ(call(abi::HC_BLK_READ, abi::BLK_DEV_DISK, ~0ull, kBuffer, 2), -abi::HC_EINVAL);
  EXPECT_EQ(disk().stats().read_calls + disk().stats().write_calls, 0u);
}

TEST_F(BlockHypercallTest, BuffersNotEntirelyInRamAreEINVAL) {
  EXPECT_EQ(call(abi::HC_BLK_READ, abi::BLK_DEV_DISK, 0, kRam, 1), -abi::HC_EINVAL);
  EXPECT_EQ(call(abi::HC_BLK_READ, abi::BLK_DEV_DISK, 0, kRam - kBlockSize + 8, 1),
            -abi::HC_EINVAL);
  EXPECT_EQ(call(abi::HC_BLK_READ, abi::BLK_DEV_DISK, 0, ~0ull - 100, 1), -abi::HC_EINVAL);
  // nblocks * 4096 wraps around 2^64 to 4096: must not pass as one block.
  EXPECT_EQ(call(abi::HC_BLK_READ, abi::BLK_DEV_DISK, 0, kBuffer, (1ull << 52) + 1),
            -abi::HC_EINVAL);
  // The VMM-private region is guest-physical memory too, but never a device's.
  EXPECT_EQ(call(abi::HC_BLK_READ, abi::BLK_DEV_DISK, 0, machine.memory().private_base().value(),
                 1),
            -abi::HC_EINVAL);
  // The last block of RAM is fine.
  EXPECT_EQ(call(abi::HC_BLK_READ, abi::BLK_DEV_DISK, 0, kRam - kBlockSize, 1), 0);
}

TEST_F(BlockHypercallTest, ZeroBlocksIsANoOpThatStillChecksItsArguments) {
  EXPECT_EQ(call(abi::HC_BLK_READ, abi::BLK_DEV_DISK, kDiskBlocks, kRam, 0), 0);
  EXPECT_EQ(call(abi::HC_BLK_WRITE, abi::BLK_DEV_DISK, kDiskBlocks + 1, kBuffer, 0),
            -abi::HC_EINVAL);
  EXPECT_EQ(call(abi::HC_BLK_WRITE, abi::BLK_DEV_DISK, 0, kRam + 1, 0), -abi::HC_EINVAL);
}

}  // namespace
}  // namespace shadowtlb::vmm
