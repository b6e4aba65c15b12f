// The boot tables map RAM at the identity, direct-map and kernel-base aliases.
#include "vmm/x86/boot_page_tables.h"

#include <gtest/gtest.h>

#include "abi/memory_layout.h"
#include "shadow_mmu/walker.h"

namespace shadowtlb::vmm {
namespace {

class BootPageTablesTest : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(BootPageTablesTest, EveryAliasReachesTheSameFrame) {
  const std::uint64_t ram = GetParam();
  GuestMemory mem(ram, boot_page_tables_size(ram));
  GuestPhysAddr root = build_boot_page_tables(mem);
  for (std::uint64_t pa : {std::uint64_t{0x100000}, ram / 2 + 0x1234, ram - 8}) {
    for (std::uint64_t base : {std::uint64_t{0}, abi::DIRECT_MAP_BASE, abi::KERNEL_BASE}) {
      if (base == abi::KERNEL_BASE && pa >= (2ull << 30)) continue;  // that alias spans 2 GiB
      WalkResult w = walk(mem, root, GuestVirtAddr(base + pa));
      ASSERT_TRUE(w.ok()) << std::hex << "base " << base << " pa " << pa;
      EXPECT_EQ(w.translate(GuestVirtAddr(base + pa)), GuestPhysAddr(pa));
      EXPECT_EQ(w.page_size, kHugePageSize);
      EXPECT_TRUE(w.writable);
      EXPECT_FALSE(w.user) << "boot mappings are supervisor-only";
    }
  }
}

TEST_P(BootPageTablesTest, NothingBeyondRamIsMapped) {
  const std::uint64_t ram = GetParam();
  GuestMemory mem(ram, boot_page_tables_size(ram));
  GuestPhysAddr root = build_boot_page_tables(mem);
  EXPECT_FALSE(walk(mem, root, GuestVirtAddr(ram)).ok());
}

INSTANTIATE_TEST_SUITE_P(RamSizes, BootPageTablesTest,
                         ::testing::Values(std::uint64_t{4} << 20, std::uint64_t{64} << 20,
                                           std::uint64_t{3} << 30));

}  // namespace
}  // namespace shadowtlb::vmm
