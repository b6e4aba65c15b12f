// Rule 5: invlpg (any page size), flush-all, CR3 loads and shootdowns drop
// entries and their real leaves, on the vCPUs named and no others.
#include "mmu_fixture.h"

namespace shadowtlb::mmu::testing {
namespace {

class FlushTest : public MmuTest {
 protected:
  void SetUp() override {
    for (unsigned i = 0; i < 4; ++i) set_pte(i, frame(i), kRw);
    set_pte(4, frame(4), kRw | PageEntry::G);
    mem.set_entry(kPd, 1, PageEntry::huge_page(huge_frame(0), kRw));
    start(3);
  }
  void fill_all(unsigned vcpu) {
    for (unsigned i = 0; i < 5; ++i) ASSERT_EQ(miss(vcpu, va(i), kWrite), MissResult::retry);
    ASSERT_EQ(miss(vcpu, GuestVirtAddr(kHugeBase), kRead), MissResult::retry);
  }
};

TEST_F(FlushTest, InvlpgOnOneVcpuLeavesTheOthersEntry) {
  fill_all(0);
  fill_all(1);
  mmu->flush_local(0, va(1) + 0x123, 1, kRip);
  EXPECT_FALSE(entry(0, va(1)));
  EXPECT_TRUE(entry(0, va(0)));
  EXPECT_TRUE(entry(0, va(2)));
  EXPECT_TRUE(entry(1, va(1)));
  EXPECT_EQ(real_walk(0, va(1)).status, WalkResult::Status::not_present);
  EXPECT_TRUE(real_walk(1, va(1)).ok());
  Event flush = sink.of(EventKind::flush_local).at(0);
  EXPECT_EQ(flush.vcpu, 0u);
  EXPECT_EQ(flush.npages, 1u);
  expect_real_tables_match(*mmu, mem, 0);
  expect_real_tables_match(*mmu, mem, 1);
}

TEST_F(FlushTest, RangeFlushDropsEveryPageInRangeIncludingGlobal) {
  fill_all(0);
  mmu->flush_local(0, va(2), 3, kRip);  // pages 2, 3, 4
  EXPECT_TRUE(entry(0, va(1)));
  EXPECT_FALSE(entry(0, va(2)));
  EXPECT_FALSE(entry(0, va(3)));
  EXPECT_FALSE(entry(0, va(4)));  // invlpg drops global entries too (SDM 4.10.4.1)
  EXPECT_TRUE(entry(0, GuestVirtAddr(kHugeBase)));
}

TEST_F(FlushTest, TwoMegabyteEntryIsFlushedByAnyAddressInside) {
  fill_all(0);
  mmu->flush_local(0, GuestVirtAddr(kHugeBase + 0x1ff000), 1, kRip);
  EXPECT_FALSE(entry(0, GuestVirtAddr(kHugeBase)));
  EXPECT_EQ(real_walk(0, GuestVirtAddr(kHugeBase)).status, WalkResult::Status::not_present);
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(FlushTest, FlushAllDropsNonGlobalOnly) {
  fill_all(0);
  mmu->flush_local(0, GuestVirtAddr(), ShadowMmu::kFlushAll, kRip);
  std::vector<TlbEntry> left = mmu->entries(0);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].va, va(4));
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(FlushTest, Cr3LoadDropsAllNonGlobalAndRebuildsTheKernelHalf) {
  fill_all(0);
  fill_all(1);
  mem.set_entry(kRoot2, 0, PageEntry::table(kPdpt, kRw | kUs));
  mem.set_entry(kRoot2, 400, PageEntry::table(kKernelPdpt, kRw));
  GuestPhysAddr real = mmu->load_cr3(0, kRoot2, kRip);
  EXPECT_EQ(real, mmu->real_root(0));
  EXPECT_EQ(mmu->guest_root(0), kRoot2);
  std::vector<TlbEntry> left = mmu->entries(0);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_TRUE(left[0].global);
  EXPECT_EQ(mem.entry(real, 256).raw(), 0u);
  EXPECT_EQ(mem.entry(real, 400), PageEntry::table(kKernelPdpt, kRw));
  EXPECT_EQ(mmu->entries(1).size(), 6u);  // other vCPUs untouched
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(FlushTest, ShootdownFlushesEveryTargetAndOnlyThem) {
  fill_all(0);
  fill_all(1);
  fill_all(2);
  VcpuMask targets;
  targets.set(1);
  targets.set(2);
  targets.set(200);  // no such vCPU: ignored
  mmu->shootdown(0, targets, va(0), 2, kRip);
  EXPECT_TRUE(entry(0, va(0)));
  for (unsigned v : {1u, 2u}) {
    EXPECT_FALSE(entry(v, va(0)));
    EXPECT_FALSE(entry(v, va(1)));
    EXPECT_TRUE(entry(v, va(2)));
    expect_real_tables_match(*mmu, mem, v);
  }
  std::vector<Event> events = sink.of(EventKind::shootdown);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].vcpu, 1u);
  EXPECT_EQ(events[0].initiator, 0u);
  EXPECT_EQ(events[1].vcpu, 2u);
}

TEST_F(FlushTest, ShootdownAllDropsNonGlobal) {
  fill_all(1);
  VcpuMask targets;
  targets.set(1);
  mmu->shootdown(0, targets, GuestVirtAddr(), ShadowMmu::kFlushAll, kRip);
  EXPECT_EQ(mmu->entries(1).size(), 1u);
}

TEST_F(FlushTest, FlushRemovesStaleEntriesAndTheirAliasLeaves) {
  fill_all(1);
  write(0, pte(0), 0);
  ASSERT_TRUE(entry(1, va(0))->stale);
  VcpuMask targets;
  targets.set(1);
  mmu->shootdown(0, targets, va(0), 1, kRip);
  EXPECT_FALSE(entry(1, va(0)));
  EXPECT_EQ(real_walk(1, va(0)).status, WalkResult::Status::not_present);
  EXPECT_EQ(miss(1, va(0), kWrite), MissResult::fault);  // now the cleared PTE is seen
}

TEST_F(FlushTest, FlushingEverythingReturnsTheTablesToThePool) {
  fill_all(0);
  mmu->flush_local(0, va(0), 1u << 20, kRip);  // covers the 4 KiB and 2 MiB pages
  EXPECT_TRUE(mmu->entries(0).empty());
  for (unsigned i = 0; i < 256; ++i) EXPECT_EQ(mem.entry(mmu->real_root(0), i).raw(), 0u) << i;
}

TEST_F(FlushTest, HugeRangesDoNotOverflow) {
  fill_all(0);
  mmu->flush_local(0, GuestVirtAddr(0xffff'ffff'ffff'f000ull), ~0ull - 1, kRip);
  mmu->flush_local(0, va(0), ~0ull - 1, kRip);
  EXPECT_EQ(mmu->entries(0).size(), 0u);
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
