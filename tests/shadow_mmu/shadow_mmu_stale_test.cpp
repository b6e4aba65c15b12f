// Rules 3 and 4 in architectural mode: page-table writes leave other vCPUs'
// entries in place, marked stale; a stale dirty entry's real leaf points at
// the read-only alias so its writes are observed.
#include "mmu_fixture.h"

namespace shadowtlb::mmu::testing {
namespace {

using StaleTest = MmuTest;

TEST_F(StaleTest, StaleDirtyEntrySurvivesAPteClearAndPointsAtTheAlias) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  PteWriteResult r = write(0, pte(0), 0);

  std::optional<TlbEntry> e = entry(1, va(0));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->stale);
  EXPECT_TRUE(e->dirty);
  EXPECT_EQ(e->frame, frame(0));
  Event write_event = sink.of(EventKind::pte_write).back();
  EXPECT_EQ(e->stale_since, write_event.seq);
  EXPECT_EQ(write_event.old_value & PageEntry::kAddrMask, frame(0).value());

  WalkResult real = real_walk(1, va(0));
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real.frame, kAliasBase + frame(0).value());
  EXPECT_TRUE(real.writable);  // writable: the write exits from the read-only slot
  // Re-pointing vCPU 1's real leaf must be seen before the write completes.
  EXPECT_TRUE(r.sync.test(1));
  EXPECT_FALSE(r.sync.test(0));

  Event stale = sink.of(EventKind::stale).at(0);
  EXPECT_EQ(stale.vcpu, 1u);
  EXPECT_EQ(stale.cause, write_event.seq);
  EXPECT_TRUE(stale.entry.stale);
  expect_real_tables_match(*mmu, mem, 1);
}

TEST_F(StaleTest, StaleCleanEntryKeepsReadingTheOldFrame) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  PteWriteResult r = write(0, pte(0), PageEntry::page(frame(1), kRw).raw());  // repointed, no flush
  EXPECT_TRUE(r.sync.empty());  // nothing to re-point: the real leaf was read-only already
  std::optional<TlbEntry> e = entry(1, va(0));
  ASSERT_TRUE(e && e->stale);
  WalkResult real = real_walk(1, va(0));
  EXPECT_EQ(real.frame, frame(0));  // stale read: vCPU 1 still sees frame 0
  EXPECT_FALSE(real.writable);
  // vCPU 0 fills afresh and sees frame 1.
  ASSERT_EQ(miss(0, va(0), kRead), MissResult::retry);
  EXPECT_EQ(real_walk(0, va(0)).frame, frame(1));
}

TEST_F(StaleTest, OwnEntriesGoStaleToo) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(0, va(0), kWrite), MissResult::retry);
  write(0, pte(0), 0);
  EXPECT_TRUE(entry(0, va(0))->stale);  // until the writer's own invlpg
  mmu->flush_local(0, va(0), 1, kRip);
  EXPECT_FALSE(entry(0, va(0)));
}

TEST_F(StaleTest, AccessedOrDirtyOnlyChangesLeaveEntriesCurrent) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  PteWriteResult r = write(0, pte(0), PageEntry::page(frame(0), kRw | kD).raw());  // A cleared
  EXPECT_FALSE(entry(1, va(0))->stale);
  EXPECT_TRUE(r.sync.empty());
  write(0, pde(0), PageEntry::table(kPt, kRw | kUs).raw());  // A cleared in the PDE
  EXPECT_FALSE(entry(1, va(0))->stale);
  EXPECT_EQ(sink.count(EventKind::stale), 0u);
  expect_real_tables_match(*mmu, mem, 1);
}

TEST_F(StaleTest, DirtyCleanOnlyLeavesTheDirtyEntryCurrentInArchitecturalMode) {
  // Architecturally the cached D survives (SDM 4.10.4.3): the translation is
  // unchanged, so the entry is not stale. Only enforcement acts on this.
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), PageEntry::page(frame(0), kRw | kA).raw());
  std::optional<TlbEntry> e = entry(1, va(0));
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->stale);
  EXPECT_TRUE(e->dirty);
}

TEST_F(StaleTest, WriteProtectMakesADirtyEntryStale) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), PageEntry::page(frame(0), kA).raw());  // page_mkclean's wrprotect + mkclean
  std::optional<TlbEntry> e = entry(1, va(0));
  ASSERT_TRUE(e && e->stale);
  EXPECT_EQ(real_walk(1, va(0)).frame, kAliasBase + frame(0).value());
}

TEST_F(StaleTest, NonLeafChangesMakeDependentEntriesStale) {
  set_pte(0, frame(0), kRw);
  set_pte(1, frame(1), kRw);
  mem.set_entry(kPt2, 0, PageEntry::page(frame(0), kRw));
  mem.set_entry(kPt2, 1, PageEntry::page(frame(5), kRw));
  start();
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  ASSERT_EQ(miss(1, va(1), kRead), MissResult::retry);
  write(0, pde(0), PageEntry::table(kPt2, kRw | kUs).raw());  // a new page table
  EXPECT_FALSE(entry(1, va(0))->stale);  // the new table gives the same translation
  EXPECT_TRUE(entry(1, va(1))->stale);
  // The entry now follows the new table: a change there is seen.
  write(0, kPt2, 0);
  EXPECT_TRUE(entry(1, va(0))->stale);
}

TEST_F(StaleTest, ReadOnlyPdeMakesWritableEntriesStale) {
  set_pte(0, frame(0), kRw);
  set_pte(1, frame(1), 0);
  start();
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  ASSERT_EQ(miss(1, va(1), kRead), MissResult::retry);
  write(0, pde(0), PageEntry::table(kPt, kUs | kA).raw());
  EXPECT_TRUE(entry(1, va(0))->stale);   // lost RW
  EXPECT_FALSE(entry(1, va(1))->stale);  // was read-only anyway
}

TEST_F(StaleTest, RestoringTheTranslationMakesTheEntryCurrentAgain) {
  // ptep_modify_prot_start/commit clear a PTE and write it back.
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  std::uint64_t value = guest_pte(0).raw();
  write(0, pte(0), 0);
  ASSERT_TRUE(entry(1, va(0))->stale);
  write(0, pte(0), value);
  std::optional<TlbEntry> e = entry(1, va(0));
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->stale);
  EXPECT_EQ(e->stale_since, 0u);
  EXPECT_EQ(real_walk(1, va(0)).frame, frame(0));
  std::vector<Event> stale = sink.of(EventKind::stale);
  ASSERT_EQ(stale.size(), 2u);
  EXPECT_FALSE(stale[1].entry.stale);
  expect_real_tables_match(*mmu, mem, 1);
}

TEST_F(StaleTest, StaleSinceNamesTheFirstWriteThatMadeItStale) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), PageEntry::page(frame(1), kRw).raw());
  EventSeq first = sink.of(EventKind::pte_write).back().seq;
  write(0, pte(0), PageEntry::page(frame(2), kRw).raw());
  EXPECT_EQ(entry(1, va(0))->stale_since, first);
  EXPECT_EQ(sink.count(EventKind::stale), 1u);
}

TEST_F(StaleTest, TwoMegabyteEntryGoesStaleWhenThePdeIsSplit) {
  mem.set_entry(kPd, 1, PageEntry::huge_page(huge_frame(0), kRw));
  start();
  ASSERT_EQ(miss(1, GuestVirtAddr(kHugeBase), kWrite), MissResult::retry);
  // Split into a page table mapping the same frames: same frames, smaller page.
  for (unsigned i = 0; i < 512; ++i)
    mem.set_entry(kPt2, i, PageEntry::page(huge_frame(0) + i * kPageSize, kRw | kD));
  write(0, pde(1), PageEntry::table(kPt2, kRw | kUs).raw());
  std::optional<TlbEntry> e = entry(1, GuestVirtAddr(kHugeBase + 0x5000));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->page_size, kHugePageSize);
  EXPECT_TRUE(e->stale);  // another page size is another translation (SDM 4.10.2.3)
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
