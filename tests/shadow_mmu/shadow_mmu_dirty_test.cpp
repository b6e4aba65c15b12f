// Rule 2: a write through a cached entry. Read-only: spurious #PF and the
// entry goes. Writable but clean: re-walk the current tables (SDM 4.8), set D
// or fault — never a silent D through a PTE that no longer allows the write.
#include "mmu_fixture.h"

namespace shadowtlb::mmu::testing {
namespace {

using DirtyTest = MmuTest;

TEST_F(DirtyTest, FirstWriteRewalksAndSetsDirty) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  EventSeq fill_seq = entry(0, va(0))->filled_at;
  ASSERT_FALSE(guest_pte(0).dirty());
  ASSERT_EQ(miss(0, va(0), kWrite), MissResult::retry);
  EXPECT_TRUE(guest_pte(0).dirty());
  std::optional<TlbEntry> e = entry(0, va(0));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->dirty);
  EXPECT_TRUE(PageEntry(e->leaf_value).dirty());
  EXPECT_TRUE(real_walk(0, va(0)).writable);
  Event up = sink.of(EventKind::dirty_upgrade).at(0);
  EXPECT_EQ(up.cause, fill_seq);
  EXPECT_EQ(up.entry.filled_at, up.seq);
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(DirtyTest, WriteAfterThePteWasClearedWithOnlyACleanEntryFaults) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  write(1, pte(0), 0);  // no flush for vCPU 0: its clean entry is now stale
  ASSERT_TRUE(entry(0, va(0)));
  EXPECT_TRUE(entry(0, va(0))->stale);
  EXPECT_FALSE(real_walk(0, va(0)).writable);  // a stale clean entry stays read-only
  EXPECT_EQ(miss(0, va(0), kWrite), MissResult::fault);
  EXPECT_FALSE(entry(0, va(0)));
  EXPECT_EQ(real_walk(0, va(0)).status, WalkResult::Status::not_present);
  EXPECT_EQ(guest_pte(0).raw(), 0u);  // no D appeared anywhere
  EXPECT_TRUE(mmu->hazards().empty());
}

TEST_F(DirtyTest, WriteAfterThePteBecameReadOnlyFaultsAndSetsNoDirty) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  write(1, pte(0), PageEntry::page(frame(0), kA).raw());  // write-protected, no flush
  EXPECT_EQ(miss(0, va(0), kWrite), MissResult::fault);
  EXPECT_FALSE(guest_pte(0).dirty());
  EXPECT_FALSE(entry(0, va(0)));
}

TEST_F(DirtyTest, ReadOnlyEntryTakesASpuriousFaultThenRefills) {
  // A permission increase needs no flush (SDM 4.10.4.3): one spurious #PF.
  set_pte(0, frame(0), 0);
  start();
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  write(1, pte(0), PageEntry::page(frame(0), kRw | kA).raw());
  EXPECT_FALSE(entry(0, va(0))->stale);  // added rights: not stale
  EXPECT_EQ(miss(0, va(0), kWrite), MissResult::fault);
  EXPECT_FALSE(entry(0, va(0)));
  Event spurious = sink.of(EventKind::spurious_fault).at(0);
  EXPECT_EQ(spurious.entry.frame, frame(0));
  EXPECT_FALSE(spurious.entry.writable);
  // The guest handler finds the PTE writable and retries: a fresh dirty fill.
  EXPECT_EQ(miss(0, va(0), kWrite), MissResult::retry);
  EXPECT_TRUE(entry(0, va(0))->dirty);
  EXPECT_TRUE(guest_pte(0).dirty());
}

TEST_F(DirtyTest, CleanEntryUpgradeFollowsARepointedPte) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  write(1, pte(0), PageEntry::page(frame(1), kRw).raw());
  ASSERT_EQ(miss(0, va(0), kWrite), MissResult::retry);
  std::optional<TlbEntry> e = entry(0, va(0));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->frame, frame(1));
  EXPECT_TRUE(e->dirty);
  EXPECT_FALSE(e->stale);
  EXPECT_TRUE(guest_pte(0).dirty());
  EXPECT_EQ(real_walk(0, va(0)).frame, frame(1));
  EXPECT_EQ(mmu->entries(0).size(), 1u);
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(DirtyTest, UpgradeToADifferentPageSizeReplacesTheEntry) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  write(1, pde(0), PageEntry::huge_page(huge_frame(1), kRw).raw());  // PT replaced by a 2 MiB page
  ASSERT_EQ(miss(0, va(0), kWrite), MissResult::retry);
  std::optional<TlbEntry> e = entry(0, va(0));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->page_size, kHugePageSize);
  EXPECT_EQ(e->frame, huge_frame(1));
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(DirtyTest, DirtyEntryMissOnWriteJustRepublishes) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(0, va(0), kWrite), MissResult::retry);
  std::size_t events = sink.events.size();
  EXPECT_EQ(miss(0, va(0), kWrite), MissResult::retry);
  EXPECT_EQ(sink.events.size(), events);
  expect_real_tables_match(*mmu, mem, 0);
}

TEST_F(DirtyTest, FetchThroughANonExecutableEntryIsSpurious) {
  set_pte(0, frame(0), kRw | kXd);
  start();
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  write(1, pte(0), PageEntry::page(frame(0), kRw | kA).raw());  // now executable
  EXPECT_EQ(miss(0, va(0), kFetch), MissResult::fault);
  EXPECT_EQ(sink.count(EventKind::spurious_fault), 1u);
  EXPECT_EQ(miss(0, va(0), kFetch), MissResult::retry);
  EXPECT_TRUE(entry(0, va(0))->executable);
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
