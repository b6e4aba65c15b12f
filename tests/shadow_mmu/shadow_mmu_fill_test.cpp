// Rule 1, fill: a miss walks the current tables, sets A (and D for a write),
// caches the combined rights and installs the real leaf; refusals cache nothing.
#include "mmu_fixture.h"

namespace shadowtlb::mmu::testing {
namespace {

using FillTest = MmuTest;

TEST_F(FillTest, ReadFillSetsAccessedEverywhereAndNoDirty) {
  set_pte(0, frame(0), kRw | kUs);
  start();
  EXPECT_EQ(miss(0, va(0) + 0x10, kRead), MissResult::retry);
  EXPECT_TRUE(mem.entry(kRoot, 0).accessed());
  EXPECT_TRUE(mem.entry(kPdpt, 1).accessed());
  EXPECT_TRUE(mem.entry(kPd, 0).accessed());
  EXPECT_TRUE(guest_pte(0).accessed());
  EXPECT_FALSE(guest_pte(0).dirty());
  EXPECT_EQ(sink.count(EventKind::ad_update), 4u);

  std::vector<TlbEntry> entries = mmu->entries(0);
  ASSERT_EQ(entries.size(), 1u);
  const TlbEntry& e = entries[0];
  EXPECT_EQ(e.va, va(0));
  EXPECT_EQ(e.page_size, kPageSize);
  EXPECT_EQ(e.frame, frame(0));
  EXPECT_TRUE(e.writable);
  EXPECT_FALSE(e.dirty);
  EXPECT_FALSE(e.stale);
  EXPECT_EQ(e.leaf_address(), pte(0));
  EXPECT_EQ(e.path[4], kRoot);
  EXPECT_EQ(e.path[3], kPdpt + 8);
  EXPECT_EQ(e.path[2], kPd);
  EXPECT_TRUE(PageEntry(e.leaf_value).accessed());
  EXPECT_TRUE(mmu->entries(1).empty());
}

TEST_F(FillTest, CleanEntryIsInstalledReadOnlyEvenIfThePteAllowsWrites) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  WalkResult real = real_walk(0, va(0));
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real.frame, frame(0));
  EXPECT_FALSE(real.writable);
  EXPECT_TRUE(real.leaf().accessed() && real.leaf().dirty());  // preset: hardware never writes them
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(FillTest, WriteFillSetsDirtyAndInstallsWritable) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(0, va(0), kWrite), MissResult::retry);
  EXPECT_TRUE(guest_pte(0).accessed());
  EXPECT_TRUE(guest_pte(0).dirty());
  EXPECT_FALSE(mem.entry(kPd, 0).dirty());  // D only in the leaf
  ASSERT_TRUE(entry(0, va(0)));
  EXPECT_TRUE(entry(0, va(0))->dirty);
  EXPECT_TRUE(real_walk(0, va(0)).writable);
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(FillTest, EventsAreNumberedFromOneAndTheFillNamesItself) {
  set_pte(0, frame(0), kRw);
  start(1);
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  ASSERT_FALSE(sink.events.empty());
  for (std::size_t i = 0; i < sink.events.size(); ++i) EXPECT_EQ(sink.events[i].seq, i + 1);
  Event fill = sink.of(EventKind::fill).at(0);
  EXPECT_EQ(fill.entry.filled_at, fill.seq);
  EXPECT_EQ(fill.rip, kRip);
  EXPECT_EQ(mmu->entries(0).at(0).filled_at, fill.seq);
}

TEST_F(FillTest, RightsAreCombinedOverAllLevels) {
  mem.set_entry(kPd, 0, PageEntry::table(kPt, kUs));  // the PDE forbids writes
  set_pte(0, frame(0), kRw | kUs);
  start();
  EXPECT_EQ(miss(0, va(0), kWrite), MissResult::fault);
  EXPECT_TRUE(mmu->entries(0).empty());
  EXPECT_FALSE(guest_pte(0).dirty());
  EXPECT_FALSE(guest_pte(0).accessed());  // a failed walk sets nothing
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  EXPECT_FALSE(entry(0, va(0))->writable);
}

TEST_F(FillTest, NoNegativeCaching) {
  start();  // PT entry 0 not present
  EXPECT_EQ(miss(0, va(0), kRead), MissResult::fault);
  EXPECT_TRUE(mmu->entries(0).empty());
  EXPECT_EQ(count_real_leaves(mem, mmu->real_root(0), x86::Level::pml4), 0u);
  Event fault = sink.of(EventKind::fault).at(0);
  EXPECT_EQ(fault.pa, pte(0));  // where the walk stopped
  // The PTE appears without any flush: the very next miss fills it.
  write(1, pte(0), PageEntry::page(frame(0), kRw).raw());
  EXPECT_EQ(miss(0, va(0), kRead), MissResult::retry);
}

TEST_F(FillTest, FetchNeedsExecutableWhenNxIsEnabled) {
  set_pte(0, frame(0), kRw | kXd);
  set_pte(1, frame(1), kRw);
  start();
  EXPECT_EQ(miss(0, va(0), kFetch), MissResult::fault);
  EXPECT_EQ(miss(0, va(1), kFetch), MissResult::retry);
  EXPECT_EQ(miss(0, va(0), kRead), MissResult::retry);
  EXPECT_FALSE(entry(0, va(0))->executable);
  EXPECT_TRUE(real_walk(0, va(0)).leaf().no_execute());
  EXPECT_FALSE(real_walk(0, va(1)).leaf().no_execute());
}

TEST_F(FillTest, XdIsReservedWithoutNx) {
  set_pte(0, frame(0), kRw | kXd);
  set_pte(1, frame(1), kRw);
  MmuConfig c = config();
  c.nx_enabled = false;
  start(c);
  EXPECT_EQ(miss(0, va(0), kRead), MissResult::fault);
  ASSERT_EQ(miss(0, va(1), kFetch), MissResult::retry);
  EXPECT_FALSE(real_walk(0, va(1)).leaf().no_execute());  // never set XD when NXE is off
}

TEST_F(FillTest, RingZeroIgnoresUserButARingThreeAccessNeedsIt) {
  set_pte(0, frame(0), kRw);  // supervisor page
  start();
  EXPECT_EQ(miss(0, va(0), kRead), MissResult::retry);
  EXPECT_EQ(miss(1, va(0), Access{false, true, false}), MissResult::fault);
  EXPECT_TRUE(mmu->entries(1).empty());
}

TEST_F(FillTest, MissBeforeAnyCr3LoadFaults) {
  set_pte(0, frame(0), kRw);
  mmu = std::make_unique<ShadowMmu>(config(), mem, &sink);
  EXPECT_EQ(miss(0, va(0), kRead), MissResult::fault);
  EXPECT_EQ(mmu->guest_root(0), GuestPhysAddr());
}

TEST_F(FillTest, KernelHalfAddressesAreNotModelled) {
  start();
  EXPECT_EQ(miss(0, GuestVirtAddr(0xffff'8880'0000'1000ull), kRead), MissResult::fault);
  EXPECT_EQ(miss(0, GuestVirtAddr(0x0000'8000'0000'0000ull), kRead), MissResult::fault);
  EXPECT_TRUE(mmu->entries(0).empty());
}

TEST_F(FillTest, TwoMegabyteLeafGivesATwoMegabyteEntry) {
  mem.set_entry(kPd, 1, PageEntry::huge_page(huge_frame(0), kRw));
  start();
  ASSERT_EQ(miss(0, GuestVirtAddr(kHugeBase + 0x12345), kWrite), MissResult::retry);
  std::optional<TlbEntry> e = entry(0, GuestVirtAddr(kHugeBase + 0x1fffff));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->va, GuestVirtAddr(kHugeBase));
  EXPECT_EQ(e->page_size, kHugePageSize);
  EXPECT_EQ(e->frame, huge_frame(0));
  EXPECT_EQ(e->leaf_level, x86::Level::pd);
  EXPECT_EQ(e->leaf_address(), pde(1));
  EXPECT_EQ(e->path[1], GuestPhysAddr());
  EXPECT_TRUE(mem.entry(kPd, 1).dirty());
  WalkResult real = real_walk(0, GuestVirtAddr(kHugeBase + 0x12345));
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real.page_size, kHugePageSize);
  EXPECT_EQ(real.translate(GuestVirtAddr(kHugeBase + 0x12345)), huge_frame(0) + 0x12345);
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(FillTest, OneGigabyteLeafIsCachedAsTheTwoMegabytePieceContainingVa) {
  // PDPT[2] maps va 0x8000'0000.. with a 1 GiB page at frame 0.
  mem.set_entry(kPdpt, 2, PageEntry::huge_page(GuestPhysAddr(0), kRw | kUs));
  start();
  GuestVirtAddr address(0x8000'0000ull + 6 * kHugePageSize + 0x3456);
  ASSERT_EQ(miss(0, address, kRead), MissResult::retry);
  std::optional<TlbEntry> e = entry(0, address);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->va, GuestVirtAddr(0x8000'0000ull + 6 * kHugePageSize));
  EXPECT_EQ(e->page_size, kHugePageSize);
  EXPECT_EQ(e->frame, GuestPhysAddr(6 * kHugePageSize));
  EXPECT_EQ(e->leaf_level, x86::Level::pdpt);
  EXPECT_EQ(e->leaf_address(), kPdpt + 2 * 8);
  // Neighbouring pieces are separate entries.
  EXPECT_FALSE(entry(0, GuestVirtAddr(0x8000'0000ull + 7 * kHugePageSize)));
  EXPECT_EQ(real_walk(0, address).translate(address), GuestPhysAddr(6 * kHugePageSize + 0x3456));
  // A piece beyond RAM is refused, not mapped.
  EXPECT_EQ(miss(0, GuestVirtAddr(0x8000'0000ull + 100 * kHugePageSize), kRead), MissResult::fault);
}

TEST_F(FillTest, GlobalEntriesAreCachedGlobalButInstalledWithoutG) {
  set_pte(0, frame(0), kRw | PageEntry::G);
  start();
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  EXPECT_TRUE(entry(0, va(0))->global);
  EXPECT_FALSE(real_walk(0, va(0)).leaf().global());
}

TEST_F(FillTest, LoadCr3CopiesTheKernelHalfAndReturnsTheRealRoot) {
  set_pte(0, frame(0), kRw);
  mmu = std::make_unique<ShadowMmu>(config(), mem, &sink);
  GuestPhysAddr real = mmu->real_root(0);
  EXPECT_EQ(mem.entry(real, 256).raw(), 0u);  // empty before any load
  EXPECT_EQ(mmu->load_cr3(0, kRoot + 0x18 /* PWT|PCD */, kRip), real);
  EXPECT_EQ(mmu->guest_root(0), kRoot);
  EXPECT_EQ(mem.entry(real, 256), mem.entry(kRoot, 256));
  EXPECT_EQ(mem.entry(real, 0).raw(), 0u);  // lower half: only what the TLB holds
  EXPECT_NE(mmu->real_root(0), mmu->real_root(1));
  Event load = sink.of(EventKind::cr3_load).at(0);
  EXPECT_EQ(load.pa, kRoot);
}

TEST_F(FillTest, KernelHalfWritesToALoadedRootReachTheRealRoot) {
  start();
  write(0, kRoot + 300 * 8, PageEntry::table(kKernelPdpt, kRw).raw());
  EXPECT_EQ(mem.entry(mmu->real_root(0), 300), PageEntry::table(kKernelPdpt, kRw));
  EXPECT_EQ(mem.entry(mmu->real_root(1), 300), PageEntry::table(kKernelPdpt, kRw));
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
