// One vCPU's real tables, read back with the walker: leaves of both sizes,
// pruning of empty tables, the kernel half, and a pool that runs dry.
#include "shadow_mmu/src/real_tables.h"

#include <gtest/gtest.h>

#include "shadow_mmu/walker.h"
#include "support/fake_phys_memory.h"

namespace shadowtlb::mmu {
namespace {

using shadowtlb::test::FakePhysMemory;
using x86::PageEntry;

constexpr GuestPhysAddr kPool{0x800000};

class RealTablesTest : public ::testing::Test {
 protected:
  FakePhysMemory mem{16 << 20};
  TablePool pool{mem, kPool, 16 * kPageSize};
  RealTables real{pool, mem};
};

TEST_F(RealTablesTest, RootComesFromThePool) {
  EXPECT_TRUE(pool.contains(real.root()));
  EXPECT_EQ(pool.in_use(), 1u);
}

TEST_F(RealTablesTest, FourKilobyteLeafIsWhatTheWalkerFinds) {
  GuestVirtAddr va(0x7f00'1234'5000ull);
  real.install(va, kPageSize, PageEntry::page(GuestPhysAddr(0x123000), PageEntry::RW | PageEntry::A));
  WalkResult w = walk(mem, real.root(), va + 0x10);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.translate(va + 0x10), GuestPhysAddr(0x123010));
  EXPECT_TRUE(w.writable);
  // Upper levels are P|RW|US|A: the leaf alone decides.
  for (unsigned slot = 2; slot <= 4; ++slot)
    EXPECT_EQ(w.entry[slot].raw() & 0xfff, RealTables::kTableFlags);
  EXPECT_EQ(pool.in_use(), 4u);  // PML4, PDPT, PD, PT
  EXPECT_EQ(real.leaf_count(), 1u);
}

TEST_F(RealTablesTest, TwoMegabyteLeafNeedsNoPageTable) {
  GuestVirtAddr va(0x4020'0000);
  real.install(va, kHugePageSize, PageEntry::huge_page(GuestPhysAddr(0x600000), PageEntry::A));
  WalkResult w = walk(mem, real.root(), va + 0x12345);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.page_size, kHugePageSize);
  EXPECT_EQ(w.translate(va + 0x12345), GuestPhysAddr(0x612345));
  EXPECT_FALSE(w.writable);
  EXPECT_EQ(pool.in_use(), 3u);
}

TEST_F(RealTablesTest, ReplacingALeafKeepsOneLeaf) {
  GuestVirtAddr va(0x1000);
  real.install(va, kPageSize, PageEntry::page(GuestPhysAddr(0x1000), 0));
  real.install(va, kPageSize, PageEntry::page(GuestPhysAddr(0x2000), PageEntry::RW));
  EXPECT_EQ(real.leaf_count(), 1u);
  EXPECT_EQ(walk(mem, real.root(), va).frame, GuestPhysAddr(0x2000));
}

TEST_F(RealTablesTest, RemovingTheLastLeafReturnsEveryTableToThePool) {
  GuestVirtAddr a(0x4000'0000), b(0x4000'1000);
  real.install(a, kPageSize, PageEntry::page(GuestPhysAddr(0x1000), 0));
  real.install(b, kPageSize, PageEntry::page(GuestPhysAddr(0x2000), 0));
  real.remove(a, kPageSize);
  EXPECT_EQ(pool.in_use(), 4u);
  EXPECT_EQ(walk(mem, real.root(), a).status, WalkResult::Status::not_present);
  EXPECT_TRUE(walk(mem, real.root(), b).ok());
  real.remove(b, kPageSize);
  EXPECT_EQ(pool.in_use(), 1u);
  EXPECT_EQ(mem.entry(real.root(), 0).raw(), 0u);
  real.remove(b, kPageSize);  // idempotent
  EXPECT_EQ(real.leaf_count(), 0u);
}

TEST_F(RealTablesTest, FreedPagesAreReusedZeroed) {
  real.install(GuestVirtAddr(0x1000), kPageSize, PageEntry::page(GuestPhysAddr(0x1000), 0));
  real.remove(GuestVirtAddr(0x1000), kPageSize);
  real.install(GuestVirtAddr(0x7000'0000'0000ull), kPageSize, PageEntry::page(GuestPhysAddr(0x5000), 0));
  EXPECT_EQ(pool.in_use(), 4u);
  EXPECT_EQ(real.leaf_count(), 1u);
  EXPECT_EQ(walk(mem, real.root(), GuestVirtAddr(0x1000)).status, WalkResult::Status::not_present);
}

TEST_F(RealTablesTest, KernelHalfEntriesOnly) {
  real.set_kernel_entry(511, 0xabc003);
  EXPECT_EQ(mem.entry(real.root(), 511).raw(), 0xabc003u);
  EXPECT_THROW(real.set_kernel_entry(255, 1), std::logic_error);
  EXPECT_THROW(real.install(GuestVirtAddr(0xffff'8000'0000'0000ull), kPageSize, PageEntry()),
               std::logic_error);
}

TEST_F(RealTablesTest, ExhaustedPoolThrowsBeforeChangingAnything) {
  FakePhysMemory small_mem{16 << 20};
  TablePool small(small_mem, kPool, 3 * kPageSize);  // root + PDPT + PD: no room for a PT
  RealTables tables(small, small_mem);
  try {
    tables.install(GuestVirtAddr(0x1000), kPageSize, PageEntry::page(GuestPhysAddr(0x1000), 0));
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("real-table pool exhausted"), std::string::npos);
  }
  EXPECT_EQ(small.in_use(), 1u);
  EXPECT_EQ(small_mem.entry(tables.root(), 0).raw(), 0u);
  // A 2 MiB leaf needs no page table: it fits.
  tables.install(GuestVirtAddr(0x200000), kHugePageSize, PageEntry::huge_page(GuestPhysAddr(0x200000), 0));
  EXPECT_EQ(tables.leaf_count(), 1u);
}

TEST_F(RealTablesTest, HugeLeafOverAPageTableIsALogicError) {
  real.install(GuestVirtAddr(0x201000), kPageSize, PageEntry::page(GuestPhysAddr(0x1000), 0));
  EXPECT_THROW(real.install(GuestVirtAddr(0x200000), kHugePageSize,
                            PageEntry::huge_page(GuestPhysAddr(0x200000), 0)),
               std::logic_error);
  // ... and removing a 2 MiB leaf there leaves the page table alone.
  real.remove(GuestVirtAddr(0x200000), kHugePageSize);
  EXPECT_TRUE(walk(mem, real.root(), GuestVirtAddr(0x201000)).ok());
}

}  // namespace
}  // namespace shadowtlb::mmu
