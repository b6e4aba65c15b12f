// Rules 7 and 8 and the page-table role change: stale writes are performed
// (byte-exact) and reported at once, lost dirty bits when the stale entry
// leaves the TLB with no paging entry having had D for the frame since the
// write (the verdict rules in detail: shadow_mmu_lost_dirty_test.cpp); freed
// frames and new page-table pages still reachable are reported.
#include "mmu_fixture.h"

#include <array>
#include <cstring>

namespace shadowtlb::mmu::testing {
namespace {

class HazardTest : public MmuTest {
 protected:
  void SetUp() override {
    set_pte(0, frame(0), kRw);  // X
    start();
  }
  bool stale_store(unsigned vcpu, GuestPhysAddr pa, std::uint32_t value) {
    std::array<std::byte, 4> bytes;
    std::memcpy(bytes.data(), &value, 4);
    return mmu->stale_write(vcpu, pa, bytes, kWriteRip);
  }
  [[nodiscard]] std::uint64_t word(GuestPhysAddr pa) const { return mem.read_u64(pa).value(); }
  // Ends every open lost-dirty verdict: flushes every vCPU, then finalize().
  void settle() {
    VcpuMask all;
    all.set(0);
    all.set(1);
    mmu->shootdown(0, all, GuestVirtAddr(), ShadowMmu::kFlushAll, kRip);
    mmu->finalize();
  }

  static constexpr GuestVirtAddr kWriteRip{0x4000'1000'0042ull};
};

// The mremap/page_mkclean race of the seed commit, step by step.
TEST_F(HazardTest, MremapRaceReportsAStaleWriteAndALostDirtyBit) {
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);  // 1: thread 1 writes X
  std::uint64_t x = guest_pte(0).raw();
  ASSERT_TRUE(PageEntry(x).dirty());
  write(0, pte(0), 0);                                    // 3: move_ptes empties X ...
  EventSeq cleared = sink.of(EventKind::pte_write).back().seq;
  write(0, pte(5), x);                                    //    ... and sets Y, dirty
  write(0, pte(5), PageEntry(x).without(kRw | kD).raw()); // 4: page_mkclean through Y
  ASSERT_TRUE(stale_store(1, frame(0) + 0x10, 2));        // 5: thread 1 writes X again

  EXPECT_EQ(word(frame(0) + 0x10), 2u);  // the write happened, as on hardware
  // The stale write is known at once; the lost D only once X's entry goes
  // with no D set for the frame in between.
  EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::stale_write}));
  VcpuMask cpu1;
  cpu1.set(1);
  mmu->shootdown(0, cpu1, va(0), 1, kRip);                // 6: the late flush for X
  EventSeq flushed = sink.of(EventKind::shootdown).back().seq;

  EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::stale_write, HazardKind::lost_dirty_bit}));
  for (const Hazard& h : mmu->hazards()) {
    EXPECT_EQ(h.vcpu, 1u);
    EXPECT_EQ(h.va, va(0) + 0x10);
    EXPECT_EQ(h.frame, frame(0));
    EXPECT_EQ(h.rip, kWriteRip);
    EXPECT_EQ(h.stale_since, cleared);
    EXPECT_EQ(h.stale_by_vcpu, 0u);
    EXPECT_EQ(h.stale_by_rip, GuestVirtAddr(0xffff'ffff'8000'5000ull));
    EXPECT_EQ(h.entry.frame, frame(0));
    EXPECT_TRUE(h.entry.stale);
  }
  Event sw = sink.of(EventKind::stale_write).at(0);
  EXPECT_EQ(sw.pa, frame(0) + 0x10);
  EXPECT_EQ(sw.new_value, 2u);
  EXPECT_EQ(sw.old_value, 0u);
  EXPECT_EQ(sw.cause, cleared);
  std::vector<Event> hazards = sink.of(EventKind::hazard);
  ASSERT_EQ(hazards.size(), 2u);
  EXPECT_EQ(hazards[1].hazard, HazardKind::lost_dirty_bit);
  EXPECT_EQ(hazards[1].cause, sw.seq);
  EXPECT_EQ(hazards[1].va, va(0) + 0x10);
  EXPECT_EQ(hazards[1].rip, kWriteRip);
  const Hazard& lost = mmu->hazards()[1];
  EXPECT_EQ(lost.seq, hazards[1].seq);
  EXPECT_EQ(lost.seq, flushed + 1);  // recorded at the removal
  EXPECT_EQ(lost.removed_at, flushed);
  EXPECT_EQ(lost.write_event, sw.seq);
  EXPECT_EQ(mmu->hazards()[0].write_event, sw.seq);
  EXPECT_EQ(mmu->hazards()[0].removed_at, 0u);
  mmu->finalize();  // already settled: nothing more
  EXPECT_EQ(mmu->hazards().size(), 2u);
}

TEST_F(HazardTest, OnlyAStaleWriteWhenAnotherPteStillHasDirty) {
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  std::uint64_t x = guest_pte(0).raw();
  write(0, pte(0), 0);
  write(0, pte(5), x);  // moved, still dirty: nothing lost yet
  ASSERT_TRUE(stale_store(1, frame(0) + 0x10, 2));
  settle();
  EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::stale_write}));
}

TEST_F(HazardTest, DirtyBitInAnotherAddressSpaceCounts) {
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), 0);
  // A second mm maps the frame dirty through its own tables, loaded once.
  mem.set_entry(GuestPhysAddr(0x17000), 0, PageEntry::table(GuestPhysAddr(0x18000), kRw));
  mem.set_entry(GuestPhysAddr(0x18000), 0, PageEntry::table(GuestPhysAddr(0x19000), kRw));
  mem.set_entry(GuestPhysAddr(0x19000), 0, PageEntry::table(GuestPhysAddr(0x1a000), kRw));
  mem.set_entry(GuestPhysAddr(0x1a000), 9, PageEntry::page(frame(0), kRw | kD));
  (void)mmu->load_cr3(0, GuestPhysAddr(0x17000), kRip);
  (void)mmu->load_cr3(0, kRoot, kRip);
  ASSERT_TRUE(stale_store(1, frame(0), 1));
  settle();
  EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::stale_write}));
}

TEST_F(HazardTest, TwoMegabyteDirtyPageCounts) {
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), 0);
  // frame(0) lies in the 2 MiB page at 0 .. 2 MiB.
  write(0, pde(1), PageEntry::huge_page(GuestPhysAddr(0), kRw | kD).raw());
  ASSERT_TRUE(stale_store(1, frame(0), 1));
  settle();
  EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::stale_write}));
}

TEST_F(HazardTest, PartialWordWritesKeepTheOtherBytes) {
  ASSERT_TRUE(mem.write_u64(frame(0) + 8, 0x1122334455667788ull));
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), 0);
  std::array<std::byte, 2> bytes{std::byte{0xaa}, std::byte{0xbb}};
  ASSERT_TRUE(mmu->stale_write(1, frame(0) + 11, bytes, kWriteRip));
  EXPECT_EQ(word(frame(0) + 8), 0x112233bbaa667788ull);  // bytes 11 and 12
  Event sw = sink.of(EventKind::stale_write).at(0);
  EXPECT_EQ(sw.old_value, 0x4455u);
  EXPECT_EQ(sw.new_value, 0xbbaau);
  // Crossing an 8-byte boundary.
  std::array<std::byte, 4> across{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
  ASSERT_TRUE(mmu->stale_write(1, frame(0) + 14, across, kWriteRip));
  EXPECT_EQ(word(frame(0) + 8), 0x020133bbaa667788ull);
  EXPECT_EQ(word(frame(0) + 16), 0x0403ull);
}

// Byte-exact, not a read-merge-write of the word: while the VMM handles the
// exit, other vCPUs store natively to the neighbouring bytes.
TEST_F(HazardTest, OneByteStaleWriteStoresExactlyThatByte) {
  ASSERT_TRUE(mem.write_u64(frame(0) + 8, 0x1122334455667788ull));
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), 0);
  const unsigned word_stores = mem.writes();
  std::array<std::byte, 1> one{std::byte{0xee}};
  ASSERT_TRUE(mmu->stale_write(1, frame(0) + 13, one, kWriteRip));
  EXPECT_EQ(word(frame(0) + 8), 0x1122ee4455667788ull);
  EXPECT_EQ(mem.writes(), word_stores);  // no 8-byte store of the word
  ASSERT_EQ(mem.byte_stores().size(), 1u);
  EXPECT_EQ(mem.byte_stores()[0].pa, frame(0) + 13);
  EXPECT_EQ(mem.byte_stores()[0].size, 1u);
  Event sw = sink.of(EventKind::stale_write).at(0);
  EXPECT_EQ(sw.old_value, 0x33u);
  EXPECT_EQ(sw.new_value, 0xeeu);
}

TEST_F(HazardTest, AlignedWordStaleWriteIsOneEightByteStore) {
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  write(0, pte(0), 0);
  const unsigned word_stores = mem.writes();
  std::array<std::byte, 8> eight{};
  eight[0] = std::byte{0x11};
  eight[7] = std::byte{0x88};
  ASSERT_TRUE(mmu->stale_write(1, frame(0) + 16, eight, kWriteRip));
  EXPECT_EQ(word(frame(0) + 16), 0x8800'0000'0000'0011ull);
  EXPECT_EQ(mem.writes(), word_stores + 1);
  EXPECT_TRUE(mem.byte_stores().empty());
}

TEST_F(HazardTest, NoStaleEntryMeansNoWrite) {
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  EXPECT_FALSE(stale_store(0, frame(0), 7));   // vCPU 0 holds nothing there
  EXPECT_FALSE(stale_store(1, frame(1), 7));   // no entry reaches frame 1
  EXPECT_FALSE(stale_store(1, GuestPhysAddr(kRamSize - 2), 7));  // past RAM
  EXPECT_FALSE(mmu->stale_write(1, frame(0), {}, kWriteRip));
  EXPECT_EQ(word(frame(0)), 0u);
  EXPECT_TRUE(mmu->hazards().empty());
}

TEST_F(HazardTest, CleanStaleEntriesCannotWrite) {
  ASSERT_EQ(miss(1, va(0), kRead), MissResult::retry);
  write(0, pte(0), 0);
  EXPECT_FALSE(stale_store(1, frame(0), 7));
}

TEST_F(HazardTest, EntryCurrentAgainStillGetsItsWriteButNoHazard) {
  // The exit raced with the PTE being restored: the write still lands.
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  std::uint64_t x = guest_pte(0).raw();
  write(0, pte(0), 0);
  write(0, pte(0), x);
  ASSERT_TRUE(stale_store(1, frame(0), 9));
  EXPECT_EQ(word(frame(0)), 9u);
  EXPECT_TRUE(mmu->hazards().empty());
}

TEST_F(HazardTest, SplitHugePageWithTheSameFramesIsNoStaleWrite) {
  mem.set_entry(kPd, 1, PageEntry::huge_page(huge_frame(0), kRw));
  ASSERT_EQ(miss(1, GuestVirtAddr(kHugeBase), kWrite), MissResult::retry);
  for (unsigned i = 0; i < 512; ++i)
    mem.set_entry(kPt2, i, PageEntry::page(huge_frame(0) + i * kPageSize, kRw | kD));
  write(0, pde(1), PageEntry::table(kPt2, kRw | kUs).raw());
  ASSERT_TRUE(entry(1, GuestVirtAddr(kHugeBase))->stale);
  ASSERT_TRUE(stale_store(1, huge_frame(0) + 0x3000, 1));
  EXPECT_TRUE(mmu->hazards().empty());
  // Without D in that PTE the write is recorded nowhere: lost dirty bit,
  // known once the 2 MiB entry goes.
  write(0, kPt2 + 4 * 8, PageEntry::page(huge_frame(0) + 0x4000, kRw).raw());
  ASSERT_TRUE(stale_store(1, huge_frame(0) + 0x4000, 1));
  EXPECT_TRUE(mmu->hazards().empty());
  mmu->flush_local(1, GuestVirtAddr(kHugeBase), 1, kRip);
  EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::lost_dirty_bit}));
  EXPECT_EQ(mmu->hazards()[0].frame, huge_frame(0) + 0x4000);
  EXPECT_EQ(mmu->hazards()[0].removed_at, sink.of(EventKind::flush_local).back().seq);
}

TEST_F(HazardTest, FreedFrameStillReachableIsReported) {
  set_pte(1, frame(1), kRw);
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  ASSERT_EQ(miss(1, va(1), kRead), MissResult::retry);
  write(0, pte(0), 0);  // zap_pte_range without the flush
  EventSeq cleared = sink.of(EventKind::pte_write).back().seq;
  mmu->page_freed(0, Pfn::of(frame(0)), 0);
  ASSERT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::freed_frame_reachable}));
  const Hazard& h = mmu->hazards()[0];
  EXPECT_EQ(h.vcpu, 1u);
  EXPECT_EQ(h.frame, frame(0));
  EXPECT_EQ(h.va, va(0));
  EXPECT_EQ(h.stale_since, cleared);
  Event freed = sink.of(EventKind::page_freed).at(0);
  EXPECT_EQ(freed.pa, frame(0));
  EXPECT_EQ(freed.npages, 1u);
  EXPECT_EQ(sink.of(EventKind::hazard).at(0).cause, freed.seq);
  // Order 1 covers frames 0 and 1: both entries.
  mmu->page_freed(0, Pfn::of(frame(0)), 1);
  EXPECT_EQ(mmu->hazards().size(), 3u);
}

TEST_F(HazardTest, FreeingUnreachedFramesIsQuiet) {
  ASSERT_EQ(miss(1, va(0), kWrite), MissResult::retry);
  mmu->page_freed(0, Pfn::of(frame(1)), 0);
  mmu->page_reused(0, Pfn::of(frame(1)), 0);
  mmu->page_freed(0, Pfn(~0ull), 63);  // hostile: clipped, no crash
  EXPECT_TRUE(mmu->hazards().empty());
  EXPECT_EQ(sink.count(EventKind::page_reused), 1u);
}

TEST_F(HazardTest, LinkingAReachableFrameAsAPageTableIsReported) {
  set_pte(1, frame(1), kRw);
  ASSERT_EQ(miss(1, va(1), kWrite), MissResult::retry);
  write(0, pte(1), 0);
  // The freed frame becomes a page table while vCPU 1 can still write it.
  write(0, pde(1), PageEntry::table(frame(1), kRw | kUs).raw());
  ASSERT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::pt_page_reachable}));
  EXPECT_EQ(mmu->hazards()[0].frame, frame(1));
  EXPECT_EQ(mmu->hazards()[0].vcpu, 1u);
}

TEST_F(HazardTest, FirstTrappedWriteToAReachableFrameIsReported) {
  set_pte(1, frame(1), kRw);
  ASSERT_EQ(miss(1, va(1), kRead), MissResult::retry);
  write(0, frame(1) + 16, PageEntry::page(frame(3), kRw).raw());
  EXPECT_EQ(hazard_kinds(), (std::vector<HazardKind>{HazardKind::pt_page_reachable}));
  write(0, frame(1) + 24, 0);  // already a page-table page: not again
  EXPECT_EQ(mmu->hazards().size(), 1u);
}

TEST_F(HazardTest, NoHazardWhenTheOnlyEntryReachingANewTableIsDroppedByTheSameWrite) {
  MmuConfig c = config();
  c.mode = TlbMode::coherent;
  mmu = std::make_unique<ShadowMmu>(c, mem, &sink);
  (void)mmu->load_cr3(1, kRoot, kRip);
  mem.set_entry(kPd, 1, PageEntry::huge_page(huge_frame(0), kRw));
  ASSERT_EQ(miss(1, GuestVirtAddr(kHugeBase), kRead), MissResult::retry);
  write(0, pde(1), PageEntry::table(huge_frame(0), kRw).raw());  // the huge frame turns into a PT
  EXPECT_TRUE(mmu->hazards().empty());
}

}  // namespace
}  // namespace shadowtlb::mmu::testing
