// Rule 7's lost-dirty-bit verdict: a stale write no D bit records opens it;
// any D for the frame from the write until the stale entry leaves the TLB
// covers it (the kernel held D in a register); the removal, or finalize(),
// of a verdict still uncovered records the hazard.
#include "mmu_fixture.h"

#include <array>
#include <cstring>

namespace shadowtlb::mmu::testing {
namespace {

class LostDirtyTest : public MmuTest {
 protected:
  void SetUp() override {
    set_pte(0, frame(0), kRw);        // X
    set_pte(1, frame(1), kRw | kXd);  // a second X, not executable
    set_pte(2, frame(2), kRw);
  }
  // vCPU 1 writes va(i) (entry cached dirty), vCPU 0 clears its PTE without a
  // flush, vCPU 1 writes again through the stale entry with no D anywhere.
  // Returns the PTE as it was, dirty.
  std::uint64_t open_verdict(unsigned i) {
    EXPECT_EQ(miss(1, va(i), kWrite), MissResult::retry);
    std::uint64_t old = guest_pte(i).raw();
    write(0, pte(i), 0);
    EXPECT_TRUE(stale_store(frame(i) + 0x20, 7));
    EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::stale_write}));
    return old;
  }
  bool stale_store(GuestPhysAddr pa, std::uint32_t value) {
    std::array<std::byte, 4> bytes;
    std::memcpy(bytes.data(), &value, 4);
    return mmu->stale_write(1, pa, bytes, kWriteRip);
  }
  [[nodiscard]] EventSeq last(EventKind kind) const { return sink.of(kind).back().seq; }
  [[nodiscard]] std::vector<Hazard> lost() const {
    std::vector<Hazard> out;
    for (const Hazard& h : mmu->hazards())
      if (h.kind == HazardKind::lost_dirty_bit) out.push_back(h);
    return out;
  }
  void shootdown_x(unsigned i) {
    VcpuMask cpu1;
    cpu1.set(1);
    mmu->shootdown(0, cpu1, va(i), 1, kRip);
  }

  static constexpr GuestVirtAddr kWriteRip{0x4000'1000'0077ull};
};

// move_ptes: pte = ptep_get_and_clear(X) ... set_pte_at(Y, pte). A stale
// write between the two is written back with Y's D: nothing is lost.
TEST_F(LostDirtyTest, ClearThenSetWindowIsNoLostDirtyBit) {
  start();
  std::uint64_t x = open_verdict(0);
  write(0, pte(5), x);  // Y, with the D the kernel held
  shootdown_x(0);
  mmu->finalize();
  EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::stale_write}));
}

TEST_F(LostDirtyTest, DirtySetByAnotherVcpusWriteFillCovers) {
  start();
  std::uint64_t x = open_verdict(0);
  write(0, pte(5), PageEntry(x).without(kD).raw());  // Y, clean
  ASSERT_EQ(miss(0, va(5), kWrite), MissResult::retry);  // the model sets D in Y
  ASSERT_TRUE(guest_pte(5).dirty());
  shootdown_x(0);
  mmu->finalize();
  EXPECT_TRUE(lost().empty());
}

TEST_F(LostDirtyTest, DirtyUpgradeOfAnotherEntryCovers) {
  start();
  std::uint64_t x = open_verdict(0);
  write(0, pte(5), PageEntry(x).without(kD).raw());
  ASSERT_EQ(miss(0, va(5), kRead), MissResult::retry);
  ASSERT_EQ(miss(0, va(5), kWrite), MissResult::retry);  // re-walk sets D
  shootdown_x(0);
  EXPECT_TRUE(lost().empty());
}

TEST_F(LostDirtyTest, RmwStoringDirtyCovers) {
  start();
  std::uint64_t x = open_verdict(0);
  write(0, pte(5), PageEntry(x).without(kD).raw());
  auto set_dirty = [](std::uint64_t old) -> std::optional<std::uint64_t> { return old | kD; };
  (void)mmu->rmw_pte(0, pte(5), set_dirty, kRip);  // lock or
  shootdown_x(0);
  EXPECT_TRUE(lost().empty());
}

TEST_F(LostDirtyTest, ANewlyTracedTableWithDirtyCovers) {
  start();
  open_verdict(0);
  // A second mm maps the frame dirty; its tables are traced when loaded.
  mem.set_entry(GuestPhysAddr(0x17000), 0, PageEntry::table(GuestPhysAddr(0x18000), kRw));
  mem.set_entry(GuestPhysAddr(0x18000), 0, PageEntry::table(GuestPhysAddr(0x19000), kRw));
  mem.set_entry(GuestPhysAddr(0x19000), 0, PageEntry::table(GuestPhysAddr(0x1a000), kRw));
  mem.set_entry(GuestPhysAddr(0x1a000), 9, PageEntry::page(frame(0), kRw | kD));
  (void)mmu->load_cr3(0, GuestPhysAddr(0x17000), kRip);
  shootdown_x(0);
  EXPECT_TRUE(lost().empty());
}

// Covered once is covered: D was set after the write, so cleaning wrote the
// page back with the stale write's data in it.
TEST_F(LostDirtyTest, CleaningAfterTheCoverDoesNotReopen) {
  start();
  std::uint64_t x = open_verdict(0);
  write(0, pte(5), x);
  write(0, pte(5), PageEntry(x).without(kRw | kD).raw());  // page_mkclean
  shootdown_x(0);
  mmu->finalize();
  EXPECT_TRUE(lost().empty());
}

TEST_F(LostDirtyTest, AWriteAfterTheCoverOpensANewVerdict) {
  start();
  std::uint64_t x = open_verdict(0);
  write(0, pte(5), x);
  write(0, pte(5), PageEntry(x).without(kRw | kD).raw());
  ASSERT_TRUE(stale_store(frame(0) + 0x40, 8));  // after the cleaning: lost
  EventSeq second = last(EventKind::stale_write);
  shootdown_x(0);
  ASSERT_EQ(lost().size(), 1u);
  EXPECT_EQ(lost()[0].write_event, second);
  EXPECT_EQ(lost()[0].va, va(0) + 0x40);
  EXPECT_EQ(sink.of(EventKind::hazard).back().cause, second);
}

TEST_F(LostDirtyTest, OneVerdictPerEntryAndFrameNamingTheFirstWrite) {
  start();
  open_verdict(0);
  EventSeq first = last(EventKind::stale_write);
  ASSERT_TRUE(stale_store(frame(0) + 0x80, 9));
  shootdown_x(0);
  EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::stale_write, HazardKind::stale_write,
                                                     HazardKind::lost_dirty_bit}));
  EXPECT_EQ(lost().at(0).write_event, first);
  EXPECT_EQ(lost().at(0).rip, kWriteRip);
  EXPECT_EQ(lost().at(0).vcpu, 1u);
  EXPECT_TRUE(lost().at(0).entry.stale);
}

TEST_F(LostDirtyTest, FinalizeSettlesAVerdictStillOpen) {
  start();
  open_verdict(0);
  EventSeq wrote = last(EventKind::stale_write);
  mmu->finalize();
  ASSERT_EQ(lost().size(), 1u);
  EXPECT_EQ(lost()[0].removed_at, 0u);
  EXPECT_EQ(lost()[0].write_event, wrote);
  EXPECT_EQ(sink.of(EventKind::hazard).back().cause, wrote);
  EXPECT_TRUE(entry(1, va(0)));  // finalize judges; it drops nothing
  // Settled once: neither the flush nor another finalize reports it again.
  shootdown_x(0);
  mmu->finalize();
  EXPECT_EQ(lost().size(), 1u);
}

TEST_F(LostDirtyTest, FinalizeWithNothingOpenIsQuiet) {
  start();
  mmu->finalize();
  EXPECT_TRUE(mmu->hazards().empty());
}

// Every way an entry leaves the TLB settles its verdict, named as removed_at.
TEST_F(LostDirtyTest, LocalFlushSettles) {
  start();
  open_verdict(0);
  mmu->flush_local(1, va(0), 1, kRip);
  ASSERT_EQ(lost().size(), 1u);
  EXPECT_EQ(lost()[0].removed_at, last(EventKind::flush_local));
}

TEST_F(LostDirtyTest, FlushOfAnotherPageLeavesItOpen) {
  start();
  open_verdict(0);
  mmu->flush_local(1, va(3), 1, kRip);
  shootdown_x(2);
  EXPECT_TRUE(lost().empty());
}

TEST_F(LostDirtyTest, Cr3LoadSettles) {
  start();
  open_verdict(0);
  (void)mmu->load_cr3(1, kRoot, kRip);
  ASSERT_EQ(lost().size(), 1u);
  EXPECT_EQ(lost()[0].removed_at, last(EventKind::cr3_load));
  EXPECT_GT(lost()[0].seq, lost()[0].removed_at);
}

TEST_F(LostDirtyTest, EvictionSettles) {
  MmuConfig c = config();
  c.capacity = 1;
  start(c);
  open_verdict(0);
  ASSERT_EQ(miss(1, va(2), kRead), MissResult::retry);  // evicts the stale entry
  ASSERT_EQ(lost().size(), 1u);
  EXPECT_EQ(lost()[0].removed_at, last(EventKind::evict));
}

TEST_F(LostDirtyTest, SpuriousFaultSettles) {
  start();
  open_verdict(1);
  ASSERT_EQ(miss(1, va(1), kFetch), MissResult::fault);  // XD: the #PF drops the entry
  ASSERT_EQ(lost().size(), 1u);
  EXPECT_EQ(lost()[0].removed_at, last(EventKind::spurious_fault));
  EXPECT_EQ(lost()[0].frame, frame(1));
}

TEST_F(LostDirtyTest, AWriteAcrossTwoFramesOfAHugeEntryJudgesEach) {
  mem.set_entry(kPd, 1, PageEntry::huge_page(huge_frame(0), kRw));
  start();
  ASSERT_EQ(miss(1, GuestVirtAddr(kHugeBase), kWrite), MissResult::retry);
  write(0, pde(1), 0);
  ASSERT_TRUE(stale_store(huge_frame(0) + 0x1ffe, 0x04030201));
  mmu->flush_local(1, GuestVirtAddr(kHugeBase), 1, kRip);
  ASSERT_EQ(lost().size(), 2u);
  EXPECT_EQ(lost()[0].frame, huge_frame(0) + 0x1000);
  EXPECT_EQ(lost()[0].va, GuestVirtAddr(kHugeBase + 0x1ffe));
  EXPECT_EQ(lost()[1].frame, huge_frame(0) + 0x2000);
  EXPECT_EQ(lost()[1].va, GuestVirtAddr(kHugeBase + 0x2000));
}

// --- PG_dirty (page_dirty hints): the page's own record of being newer than disk.

// zap: the D taken from the PTE goes to PG_dirty before the flush, so a
// stale write meanwhile is written back with the page.
TEST_F(LostDirtyTest, PageDirtySetBeforeTheEntryLeavesCovers) {
  start();
  open_verdict(0);
  mmu->page_dirty(0, Pfn::of(frame(0)), 0, true);
  shootdown_x(0);
  mmu->finalize();
  EXPECT_TRUE(lost().empty());
  const Event hint = sink.of(EventKind::page_dirty).at(0);
  EXPECT_EQ(hint.vcpu, 0u);
  EXPECT_EQ(hint.pa, frame(0));
  EXPECT_EQ(hint.npages, 1u);
  EXPECT_EQ(hint.new_value, 1u);
}

TEST_F(LostDirtyTest, PageDirtyAtTheWriteOpensNoVerdict) {
  start();
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), 0);
  mmu->page_dirty(0, Pfn::of(frame(0)), 0, true);
  ASSERT_TRUE(stale_store(frame(0) + 0x20, 7));
  shootdown_x(0);
  mmu->finalize();
  EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::stale_write}));
}

// The seed race: page_mkclean moves D to PG_dirty, writeback clears it, and
// only then the stale write: nothing records it.
TEST_F(LostDirtyTest, PageDirtyClearedBeforeTheWriteDoesNotCover) {
  start();
  mmu->page_dirty(0, Pfn::of(frame(0)), 0, true);
  mmu->page_dirty(0, Pfn::of(frame(0)), 0, false);
  open_verdict(0);
  shootdown_x(0);
  ASSERT_EQ(lost().size(), 1u);
  EXPECT_EQ(sink.of(EventKind::page_dirty).at(1).new_value, 0u);
}

TEST_F(LostDirtyTest, PageDirtyAfterTheEntryLeftIsTooLate) {
  start();
  open_verdict(0);
  shootdown_x(0);
  mmu->page_dirty(0, Pfn::of(frame(0)), 0, true);
  mmu->finalize();
  EXPECT_EQ(lost().size(), 1u);
}

TEST_F(LostDirtyTest, PageDirtyOfAnotherFrameDoesNotCover) {
  start();
  open_verdict(0);
  mmu->page_dirty(0, Pfn::of(frame(2)), 0, true);
  shootdown_x(0);
  EXPECT_EQ(lost().size(), 1u);
}

TEST_F(LostDirtyTest, AFreedPageIsNoLongerDirty) {
  start();
  mmu->page_dirty(0, Pfn::of(frame(0)), 0, true);
  mmu->page_freed(0, Pfn::of(frame(0)), 0);
  open_verdict(0);
  shootdown_x(0);
  EXPECT_EQ(lost().size(), 1u);
}

TEST_F(LostDirtyTest, AHugePagesHintCoversEachOfItsFrames) {
  mem.set_entry(kPd, 1, PageEntry::huge_page(huge_frame(0), kRw));
  start();
  ASSERT_EQ(miss(1, GuestVirtAddr(kHugeBase), kWrite), MissResult::retry);
  write(0, pde(1), 0);
  ASSERT_TRUE(stale_store(huge_frame(0) + 0x1ffe, 0x04030201));  // two frames
  mmu->page_dirty(0, Pfn::of(huge_frame(0)), 9, true);
  mmu->flush_local(1, GuestVirtAddr(kHugeBase), 1, kRip);
  EXPECT_TRUE(lost().empty());
  EXPECT_EQ(sink.of(EventKind::page_dirty).at(0).npages, 512u);
}

TEST_F(LostDirtyTest, HostileHintsAreClipped) {
  start();
  mmu->page_dirty(0, Pfn(~0ull), 63, true);
  mmu->page_dirty(0, Pfn((1ull << 40) - 1), 18, false);
  const std::vector<Event> hints = sink.of(EventKind::page_dirty);
  ASSERT_EQ(hints.size(), 2u);
  EXPECT_EQ(hints[0].npages, 0u);
  EXPECT_EQ(hints[1].npages, 1u);  // the last frame below 2^52
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
