// Rule 4's other modes: coherent (every change to what an entry holds reaches
// every vCPU before the write completes, added rights included) and
// architectural + dirty_shootdown enforcement.
#include "mmu_fixture.h"

namespace shadowtlb::mmu::testing {
namespace {

class PolicyTest : public MmuTest {
 protected:
  void start_with(TlbMode mode, EnforcePolicy enforce = EnforcePolicy::none) {
    MmuConfig c = config(3);
    c.mode = mode;
    c.enforce = enforce;
    set_pte(0, frame(0), kRw);
    set_pte(1, frame(1), kRw);
    start(c);
  }
};

TEST_F(PolicyTest, CoherentDropsChangedEntriesOnEveryVcpuAndReportsSync) {
  start_with(TlbMode::coherent);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  ASSERT_EQ(miss(2, va(0), kRead), MissResult::retry);
  ASSERT_EQ(miss(2, va(1), kRead), MissResult::retry);
  PteWriteResult r = write(0, pte(0), 0);
  EXPECT_FALSE(entry(1, va(0)));
  EXPECT_FALSE(entry(2, va(0)));
  EXPECT_TRUE(entry(2, va(1)));
  EXPECT_TRUE(r.sync.test(1));
  EXPECT_TRUE(r.sync.test(2));
  EXPECT_FALSE(r.sync.test(0));
  EXPECT_EQ(real_walk(1, va(0)).status, WalkResult::Status::not_present);
  EXPECT_EQ(sink.count(EventKind::stale), 0u);
  std::vector<Event> shot = sink.of(EventKind::enforce);
  ASSERT_EQ(shot.size(), 2u);
  EXPECT_EQ(shot[0].cause, sink.of(EventKind::pte_write).back().seq);
  EXPECT_EQ(miss(1, va(0), kWrite), MissResult::fault);
}

TEST_F(PolicyTest, CoherentRepointIsSeenAtOnce) {
  start_with(TlbMode::coherent);
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  write(0, pte(0), PageEntry::page(frame(2), kRw).raw());
  EXPECT_FALSE(entry(1, va(0)));
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  EXPECT_EQ(real_walk(1, va(0)).frame, frame(2));
}

TEST_F(PolicyTest, CoherentDropsADirtyEntryWhoseLeafWasCleaned) {
  start_with(TlbMode::coherent);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  PteWriteResult r = write(0, pte(0), PageEntry::page(frame(0), kRw | kA).raw());
  EXPECT_FALSE(entry(1, va(0)));
  EXPECT_TRUE(r.sync.test(1));
  // The next write re-walks and sets D again: nothing is lost.
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  EXPECT_TRUE(guest_pte(0).dirty());
}

// Pure A/D sets change nothing a TLB holds; nor does D cleared under an
// entry cached clean (its first write re-walks anyway).
TEST_F(PolicyTest, CoherentKeepsEntriesOnAccessedAndDirtySets) {
  start_with(TlbMode::coherent);
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);   // clean; the PTE has A
  ASSERT_EQ(miss(1, va(1), kWrite), MissResult::retry);  // dirty; the PTE has A and D
  PteWriteResult set_d = write(0, pte(0), PageEntry::page(frame(0), kRw | kA | kD).raw());
  PteWriteResult clear_d = write(0, pte(0), PageEntry::page(frame(0), kRw | kA).raw());
  PteWriteResult same = write(0, pte(1), PageEntry::page(frame(1), kRw | kA | kD).raw());
  EXPECT_TRUE(entry(1, va(0)));
  EXPECT_TRUE(entry(1, va(1)));
  EXPECT_TRUE(set_d.sync.empty());
  EXPECT_TRUE(clear_d.sync.empty());
  EXPECT_TRUE(same.sync.empty());
  EXPECT_EQ(sink.count(EventKind::enforce), 0u);
}

// Read-only to writable (litmus permission_increase): an up-to-date TLB
// never takes the spurious #PF architectural mode gives.
TEST_F(PolicyTest, CoherentDropsAnEntryWhoseRightsWereIncreased) {
  set_pte(2, frame(2), 0);
  start_with(TlbMode::coherent);
  ASSERT_EQ(miss(1, va(2), kRead), MissResult::retry);
  PteWriteResult r = write(0, pte(2), PageEntry::page(frame(2), kRw | kA).raw());
  EXPECT_FALSE(entry(1, va(2)));
  EXPECT_TRUE(r.sync.test(1));
  EXPECT_EQ(real_walk(1, va(2)).status, WalkResult::Status::not_present);
  Event shot = sink.of(EventKind::enforce).at(0);
  EXPECT_EQ(shot.cause, sink.of(EventKind::pte_write).back().seq);
  EXPECT_FALSE(shot.entry.writable);
  EXPECT_EQ(miss(1, va(2), kWrite), MissResult::retry);  // a fill, not a fault
  EXPECT_EQ(sink.count(EventKind::spurious_fault), 0u);
  EXPECT_EQ(sink.count(EventKind::fault), 0u);
  EXPECT_TRUE(entry(1, va(2))->dirty);
}

// SDM 4.10.4.3: a rights increase needs no flush; the stale read-only entry
// takes one spurious #PF, then the access refills.
TEST_F(PolicyTest, ArchitecturalKeepsAnEntryWhoseRightsWereIncreased) {
  set_pte(2, frame(2), 0);
  start_with(TlbMode::architectural);
  ASSERT_EQ(miss(1, va(2), kRead), MissResult::retry);
  PteWriteResult r = write(0, pte(2), PageEntry::page(frame(2), kRw | kA).raw());
  ASSERT_TRUE(entry(1, va(2)));
  EXPECT_FALSE(entry(1, va(2))->stale);
  EXPECT_FALSE(entry(1, va(2))->writable);
  EXPECT_TRUE(r.sync.empty());
  EXPECT_EQ(miss(1, va(2), kWrite), MissResult::fault);
  EXPECT_EQ(sink.count(EventKind::spurious_fault), 1u);
  EXPECT_EQ(miss(1, va(2), kWrite), MissResult::retry);
}

TEST_F(PolicyTest, CoherentDropsOnExecuteAndUserChanges) {
  set_pte(2, frame(2), kXd);
  set_pte(3, frame(3), 0);
  start_with(TlbMode::coherent);
  for (unsigned i : {0u, 2u, 3u}) ASSERT_EQ(miss(1, va(i), kRead), MissResult::retry);
  EXPECT_TRUE(write(0, pte(2), PageEntry::page(frame(2), kA).raw()).sync.test(1));  // XD cleared
  EXPECT_TRUE(write(0, pte(0), PageEntry::page(frame(0), kRw | kA | kXd).raw()).sync.test(1));
  EXPECT_TRUE(write(0, pte(3), PageEntry::page(frame(3), kA | kUs).raw()).sync.test(1));
  EXPECT_FALSE(entry(1, va(0)));
  EXPECT_FALSE(entry(1, va(2)));
  EXPECT_FALSE(entry(1, va(3)));
  EXPECT_EQ(sink.count(EventKind::enforce), 3u);
}

// The entry was cached with A set; with A cleared, an uncached access would
// set it again, so the entry must go for the next access to do so.
TEST_F(PolicyTest, CoherentDropsAnEntryWhenAccessedIsCleared) {
  start_with(TlbMode::coherent);
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  PteWriteResult r = write(0, pte(0), PageEntry::page(frame(0), kRw).raw());  // test_and_clear_young
  EXPECT_FALSE(entry(1, va(0)));
  EXPECT_TRUE(r.sync.test(1));
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  EXPECT_TRUE(guest_pte(0).accessed());
}

TEST_F(PolicyTest, DirtyShootdownDropsADirtyEntryOnClear) {
  start_with(TlbMode::architectural, EnforcePolicy::dirty_shootdown);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  PteWriteResult r = write(0, pte(0), 0);
  EXPECT_FALSE(entry(1, va(0)));
  EXPECT_TRUE(r.sync.test(1));
  Event shot = sink.of(EventKind::enforce).at(0);
  EXPECT_EQ(shot.vcpu, 1u);
  EXPECT_EQ(shot.initiator, 0u);
  EXPECT_TRUE(shot.entry.dirty);
}

TEST_F(PolicyTest, DirtyShootdownDropsADirtyEntryOnRepoint) {
  start_with(TlbMode::architectural, EnforcePolicy::dirty_shootdown);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  PteWriteResult r = write(0, pte(0), PageEntry::page(frame(3), kRw).raw());
  EXPECT_FALSE(entry(1, va(0)));
  EXPECT_TRUE(r.sync.test(1));
}

TEST_F(PolicyTest, DirtyShootdownDropsADirtyEntryOnDirtyCleanAndWriteProtect) {
  start_with(TlbMode::architectural, EnforcePolicy::dirty_shootdown);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  ASSERT_EQ(miss(2, va(1), kWrite), MissResult::retry);
  PteWriteResult clean = write(0, pte(0), PageEntry::page(frame(0), kRw | kA).raw());
  EXPECT_FALSE(entry(1, va(0)));
  EXPECT_TRUE(clean.sync.test(1));
  PteWriteResult protect = write(0, pte(1), PageEntry::page(frame(1), kA | kD).raw());
  EXPECT_FALSE(entry(2, va(1)));
  EXPECT_TRUE(protect.sync.test(2));
}

TEST_F(PolicyTest, DirtyShootdownIgnoresAnAccessedOnlyChange) {
  start_with(TlbMode::architectural, EnforcePolicy::dirty_shootdown);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  PteWriteResult r = write(0, pte(0), PageEntry::page(frame(0), kRw | kD).raw());
  EXPECT_TRUE(entry(1, va(0)));
  EXPECT_TRUE(r.sync.empty());
  EXPECT_EQ(sink.count(EventKind::enforce), 0u);
}

TEST_F(PolicyTest, DirtyShootdownLetsCleanEntriesGoStale) {
  start_with(TlbMode::architectural, EnforcePolicy::dirty_shootdown);
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  PteWriteResult r = write(0, pte(0), 0);
  ASSERT_TRUE(entry(1, va(0)));
  EXPECT_TRUE(entry(1, va(0))->stale);
  EXPECT_TRUE(r.sync.empty());
  EXPECT_EQ(miss(1, va(0), kWrite), MissResult::fault);  // and a write cannot go through it
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
