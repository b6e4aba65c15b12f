// Rule 4's other modes: coherent (every change reaches every vCPU before the
// write completes) and architectural + dirty_shootdown enforcement.
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

TEST_F(PolicyTest, CoherentKeepsEntriesOnAccessedOnlyAndAddedRights) {
  start_with(TlbMode::coherent);
  set_pte(2, frame(2), 0);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  ASSERT_EQ(miss(1, va(2), kRead), MissResult::retry);
  PteWriteResult r = write(0, pte(0), PageEntry::page(frame(0), kRw | kD).raw());
  r = write(0, pte(2), PageEntry::page(frame(2), kRw | kA).raw());
  EXPECT_TRUE(entry(1, va(0)));
  EXPECT_TRUE(entry(1, va(2)));
  EXPECT_TRUE(r.sync.empty());
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
