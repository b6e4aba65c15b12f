// Locked read-modify-writes on paging entries are one step against the
// model's own A/D updates: no dirty bit invented, none lost.
#include "mmu_fixture.h"

namespace shadowtlb::mmu::testing {
namespace {

using RmwTest = MmuTest;

// `lock cmpxchg`: store `desired` only if the entry still holds `expected`.
auto cmpxchg(std::uint64_t expected, std::uint64_t desired) {
  return [=](std::uint64_t old) -> std::optional<std::uint64_t> {
    if (old != expected) return std::nullopt;
    return desired;
  };
}

TEST_F(RmwTest, CmpxchgClearingRwWhileTheEntryIsCleanMakesTheNextWriteFault) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);  // clean, writable entry on vCPU 1
  std::uint64_t seen = mmu->read_pte(0, pte(0), kRip);
  ShadowMmu::RmwResult r =
      mmu->rmw_pte(0, pte(0), cmpxchg(seen, PageEntry(seen).without(kRw).raw()), kRip);
  EXPECT_EQ(r.old_value, seen);
  EXPECT_FALSE(guest_pte(0).writable());
  // vCPU 1's first write re-walks and finds RW clear: a fault, never a
  // silent D set on the old frame.
  EXPECT_EQ(miss(1, va(0), kWrite), MissResult::fault);
  EXPECT_FALSE(guest_pte(0).dirty());
  EXPECT_FALSE(entry(1, va(0)));
}

TEST_F(RmwTest, CmpxchgFailsWhenTheModelSetDirtyInBetween) {
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  std::uint64_t seen = mmu->read_pte(0, pte(0), kRip);  // A set, D clear
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);  // vCPU 1 dirties it
  ShadowMmu::RmwResult r =
      mmu->rmw_pte(0, pte(0), cmpxchg(seen, PageEntry(seen).without(kRw).raw()), kRip);
  EXPECT_TRUE(PageEntry(r.old_value).dirty());  // the guest learns D and retries
  EXPECT_TRUE(guest_pte(0).writable());
  EXPECT_TRUE(guest_pte(0).dirty());
  EXPECT_TRUE(r.write.sync.empty());
  EXPECT_EQ(sink.events.back().kind, EventKind::pte_read);  // no store happened
}

TEST_F(RmwTest, XchgClearReturnsTheDirtyBitAndMakesTheEntryStale) {
  // ptep_get_and_clear: the old value carries D to the caller.
  set_pte(0, frame(0), kRw);
  start();
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  ShadowMmu::RmwResult r =
      mmu->rmw_pte(0, pte(0), [](std::uint64_t) -> std::optional<std::uint64_t> { return 0; }, kRip);
  EXPECT_TRUE(PageEntry(r.old_value).dirty());
  EXPECT_EQ(guest_pte(0).raw(), 0u);
  EXPECT_TRUE(entry(1, va(0))->stale);
  EXPECT_TRUE(r.write.sync.test(1));
}

TEST_F(RmwTest, LockBtrOfDirtyCleansTheLeaf) {
  // test_and_clear_dirty: a `lock btr` of bit 6.
  set_pte(0, frame(0), kRw);
  MmuConfig c = config();
  c.enforce = EnforcePolicy::dirty_shootdown;
  start(c);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  ShadowMmu::RmwResult r = mmu->rmw_pte(
      0, pte(0), [](std::uint64_t old) -> std::optional<std::uint64_t> { return old & ~kD; }, kRip);
  EXPECT_TRUE(PageEntry(r.old_value).dirty());
  EXPECT_FALSE(guest_pte(0).dirty());
  EXPECT_FALSE(entry(1, va(0)));  // enforced: the dirty entry went with D
  EXPECT_TRUE(r.write.sync.test(1));
}

TEST_F(RmwTest, RmwOutsideRamStoresNothing) {
  start();
  bool called = false;
  ShadowMmu::RmwResult r = mmu->rmw_pte(
      0, GuestPhysAddr(kPoolBase), [&](std::uint64_t) -> std::optional<std::uint64_t> {
        called = true;
        return 0x1234;
      },
      kRip);
  EXPECT_EQ(r.old_value, 0u);
  EXPECT_FALSE(called);
  EXPECT_EQ(mem.read_u64(kPoolBase).value(), mem.read_u64(kPoolBase).value());
}

TEST_F(RmwTest, RepeatedFirstWritesAgainstRmwNeverLoseADirtyBit) {
  // The litmus stress in miniature: vCPU 0 keeps clearing and re-setting RW
  // with cmpxchg while vCPU 1 makes first writes; whenever vCPU 1's write
  // succeeds, D is in the PTE afterwards.
  set_pte(0, frame(0), kRw);
  start();
  for (unsigned round = 0; round < 200; ++round) {
    mmu->flush_local(1, va(0), 1, kRip);
    ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
    std::uint64_t seen = mmu->read_pte(0, pte(0), kRip);
    std::uint64_t next = round % 2 ? (seen | kRw) & ~kD : seen & ~kRw & ~kD;
    ShadowMmu::RmwResult r = mmu->rmw_pte(0, pte(0), cmpxchg(seen, next), kRip);
    ASSERT_EQ(r.old_value, seen);
    MissResult w = miss(1, va(0), kWrite);
    if (w == MissResult::fault && guest_pte(0).writable()) {
      // The entry was filled read-only before RW came back: one spurious
      // #PF, and the guest's handler retries (SDM 4.10.4.3).
      EXPECT_EQ(sink.events.back().kind, EventKind::spurious_fault);
      w = miss(1, va(0), kWrite);
    }
    if (w == MissResult::retry) {
      EXPECT_TRUE(guest_pte(0).dirty()) << "round " << round;
      EXPECT_TRUE(guest_pte(0).writable());
    } else {
      EXPECT_FALSE(guest_pte(0).writable()) << "round " << round;
      EXPECT_FALSE(guest_pte(0).dirty());
    }
  }
  EXPECT_TRUE(mmu->hazards().empty());
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
