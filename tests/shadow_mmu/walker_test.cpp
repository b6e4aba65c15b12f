// The one walker: leaves at each level, combined rights, where a walk stops.
#include "shadow_mmu/walker.h"

#include <gtest/gtest.h>

#include "support/fake_phys_memory.h"

namespace shadowtlb {
namespace {

using shadowtlb::test::FakePhysMemory;
using x86::Level;
using x86::PageEntry;

constexpr GuestPhysAddr kPml4(0x1000), kPdpt(0x2000), kPd(0x3000), kPt(0x4000);
constexpr std::uint64_t kRw = PageEntry::RW, kUser = PageEntry::US;

class WalkerTest : public ::testing::Test {
 protected:
  // Maps 0x40'0000'0000 .. through PML4[0] -> PDPT[256] -> PD[0] -> PT.
  void SetUp() override {
    mem.set_entry(kPml4, 0, PageEntry::table(kPdpt, kRw | kUser));
    mem.set_entry(kPdpt, 256, PageEntry::table(kPd, kRw | kUser));
    mem.set_entry(kPd, 0, PageEntry::table(kPt, kRw | kUser));
  }
  FakePhysMemory mem{64 << 20};
  const GuestVirtAddr va{0x40'0000'0000ull + 0x5123};  // PT index 5
};

TEST_F(WalkerTest, FourKilobyteLeafTranslatesWithOffset) {
  mem.set_entry(kPt, 5, PageEntry::page(GuestPhysAddr(0x80000), kRw | kUser));
  WalkResult w = walk(mem, kPml4, va);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.level, Level::pt);
  EXPECT_EQ(w.page_size, kPageSize);
  EXPECT_EQ(w.translate(va), GuestPhysAddr(0x80123));
  EXPECT_EQ(w.leaf_address(), kPt + 5 * 8);
  EXPECT_TRUE(w.writable);
  EXPECT_TRUE(w.user);
}

TEST_F(WalkerTest, RightsAreCombinedOverAllLevels) {
  mem.set_entry(kPd, 0, PageEntry::table(kPt, kUser));  // the PDE forbids writes
  mem.set_entry(kPt, 5, PageEntry::page(GuestPhysAddr(0x80000), kRw | kUser | PageEntry::XD));
  WalkResult w = walk(mem, kPml4, va);
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE(w.writable);
  EXPECT_TRUE(w.user);
  EXPECT_FALSE(w.executable);
}

TEST_F(WalkerTest, TwoMegabyteLeafAtPd) {
  mem.set_entry(kPd, 0, PageEntry::huge_page(GuestPhysAddr(0x600000), kRw));
  WalkResult w = walk(mem, kPml4, va);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.level, Level::pd);
  EXPECT_EQ(w.page_size, kHugePageSize);
  EXPECT_EQ(w.translate(va), GuestPhysAddr(0x605123));
}

TEST_F(WalkerTest, OneGigabyteLeafAtPdpt) {
  mem.set_entry(kPdpt, 256, PageEntry::huge_page(GuestPhysAddr(0x4000'0000), kRw));
  WalkResult w = walk(mem, kPml4, va);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.level, Level::pdpt);
  EXPECT_EQ(w.translate(va), GuestPhysAddr(0x4000'5123));
}

TEST_F(WalkerTest, StopsAtTheFirstNonPresentLevel) {
  WalkResult w = walk(mem, kPml4, va);  // PT entry 5 is still zero
  EXPECT_EQ(w.status, WalkResult::Status::not_present);
  EXPECT_EQ(w.level, Level::pt);
  mem.set_entry(kPdpt, 256, PageEntry(0));
  w = walk(mem, kPml4, va);
  EXPECT_EQ(w.status, WalkResult::Status::not_present);
  EXPECT_EQ(w.level, Level::pdpt);
}

TEST_F(WalkerTest, TableOutsideMemoryIsReported) {
  mem.set_entry(kPd, 0, PageEntry::table(GuestPhysAddr(0x7000'0000), kRw));
  EXPECT_EQ(walk(mem, kPml4, va).status, WalkResult::Status::reserved);
}

TEST_F(WalkerTest, PsInPml4IsReserved) {
  mem.set_entry(kPml4, 0, PageEntry(kPdpt.value() | PageEntry::P | PageEntry::PS));
  EXPECT_EQ(walk(mem, kPml4, va).status, WalkResult::Status::reserved);
}

TEST_F(WalkerTest, WalkNeverWrites) {
  mem.set_entry(kPt, 5, PageEntry::page(GuestPhysAddr(0x80000), kRw));
  (void)walk(mem, kPml4, va);
  EXPECT_EQ(mem.writes(), 0u);
}

}  // namespace
}  // namespace shadowtlb
