// The hazard chains: the write, the stale entry and its fill, the PTE write,
// the new mapping, the late flush, and the verdict.
#include "vmm/inspect/explain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vmm/inspect/mini_trace.h"

namespace shadowtlb::inspect {
namespace {

using ::testing::HasSubstr;

TEST(Explain, OneChainPerHazardWithEveryLinkFound) {
  const trace::TraceFile t = test::mini_seed_trace();
  const std::vector<HazardChain> chains = hazard_chains(t);
  ASSERT_EQ(chains.size(), 2u);

  const HazardChain& write = chains[0];
  EXPECT_EQ(write.hazard, test::kMiniHazard);
  EXPECT_EQ(write.write, test::kMiniStaleWrite);
  EXPECT_EQ(write.fill, test::kMiniFill);
  EXPECT_EQ(write.stale, test::kMiniStale);
  EXPECT_EQ(write.pte_write, test::kMiniPteMove);
  EXPECT_EQ(write.remap, test::kMiniPteNew);
  EXPECT_EQ(write.removal, test::kMiniLateFlush);  // found by scanning: stale_write has no removed_at
  EXPECT_FALSE(write.removal_named);
  EXPECT_EQ(write.flush_mark, 12u);

  const HazardChain& lost = chains[1];
  EXPECT_EQ(lost.hazard, test::kMiniLostDirty);
  EXPECT_EQ(lost.write, test::kMiniStaleWrite);
  EXPECT_EQ(lost.removal, test::kMiniLateFlush);  // its removed_at
  EXPECT_TRUE(lost.removal_named);
}

TEST(Explain, TheTextNamesTheWriteTheEntryThePteWriteAndTheLateFlush) {
  const trace::TraceFile t = test::mini_seed_trace();
  const std::string text = format_explanation(t, hazard_chains(t));
  EXPECT_THAT(text, HasSubstr("hazard at event 10: stale_write on vCPU 0, 0x100000000000 (frame 0x2345000)"));
  EXPECT_THAT(text, HasSubstr("the write:     event 9: vCPU 0 wrote 0x2 (was 0x1) to 0x100000000000 "
                              "(frame 0x2345000) through the stale writable, dirty entry; "
                              "rip 0x401234: mov dword ptr [rax], 2"));
  EXPECT_THAT(text, HasSubstr("the entry:     0x100000000000 4K -> 0x2345000 RW U dirty in vCPU 0's TLB, "
                              "filled at event 3 by vCPU 0's tlb_fill (rip 0x401200: mov dword ptr [rax], 1) "
                              "from the paging entry [0x7f1000] = 0x2345067; marked stale at event 6"));
  EXPECT_THAT(text, HasSubstr("made stale by: event 5: vCPU 1's page-table write [0x7f1000] 0x2345067 -> 0x0; "
                              "rip 0xffffffff80023450: xchg qword ptr [rsi], rax"));
  EXPECT_THAT(text, HasSubstr("moved to:      event 7: vCPU 1's page-table write [0x7f3000] 0x0 -> 0x2345067"));
  EXPECT_THAT(text, HasSubstr("too late:      event 14: flush_remote 0x100000000000 +1 page (by vCPU 1) "
                              "removed the entry from vCPU 0's TLB, 5 events after the write "
                              "(flush_tlb began at event 12)"));
  EXPECT_THAT(text, HasSubstr("hazard at event 15: lost_dirty_bit on vCPU 0"));
  EXPECT_THAT(text, HasSubstr("verdict: lost_write: the write of 2 did not fault, yet 1 was read back  "
                              "(result lost_write, exit 3)"));
  EXPECT_THAT(text, HasSubstr("the run's own explanation"));
}

TEST(Explain, TheTextStartsWithACountOfHazardsByKind) {
  const trace::TraceFile t = test::mini_seed_trace();
  EXPECT_THAT(format_explanation(t, hazard_chains(t)),
              ::testing::StartsWith("2 hazards: 1 stale_write, 1 lost_dirty_bit\n"));
}

// The mini trace with vCPU 0's frame freed under its stale entry before the
// write: a page_freed and its freed_frame_reachable hazard (numbered out of
// order, as the reader allows), `copies` times over.
trace::TraceFile with_frame_freed(int copies) {
  trace::TraceFile t = test::mini_seed_trace();
  std::vector<proto::TraceRecord> extra;
  for (int i = 0; i < copies; ++i) {
    proto::TraceRecord freed;
    freed.set_kind(proto::PAGE_FREED);
    freed.set_seq(100 + 2 * i);
    freed.set_vcpu(1);
    freed.set_frame(test::kMiniFrame);
    freed.set_npages(1);
    proto::TraceRecord hazard = t.records[test::kMiniHazard];
    hazard.set_seq(101 + 2 * i);
    hazard.set_hazard_kind("freed_frame_reachable");
    hazard.set_cause(freed.seq());
    hazard.set_write_event(0);
    hazard.clear_rip();
    extra.push_back(freed);
    extra.push_back(hazard);
  }
  t.records.insert(t.records.begin() + test::kMiniStaleWrite, extra.begin(), extra.end());
  return t;
}

TEST(Explain, AFrameFreedBeforeTheWriteIsNamed) {
  const trace::TraceFile t = with_frame_freed(1);
  const std::vector<HazardChain> chains = hazard_chains(t);
  ASSERT_EQ(chains.size(), 3u);
  const HazardChain& freed = chains[0];
  EXPECT_FALSE(freed.write.has_value());
  EXPECT_EQ(freed.cause, test::kMiniStaleWrite);  // the page_freed
  const HazardChain& write = chains[1];
  EXPECT_EQ(write.freed, test::kMiniStaleWrite + 1);
  const std::string text = format_explanation(t, chains);
  EXPECT_THAT(text, HasSubstr("cause:         event 9: vCPU 1 page_freed 0x2345000 +1 page"));
  EXPECT_THAT(text, HasSubstr("freed frame:   frame 0x2345000 was freed by vCPU 1 at event 9 while vCPU 0's "
                              "TLB still reached it, before the write (hazard at event 10)"));
}

TEST(Explain, HazardsTellingTheSameStoryAreToldOnce) {
  const trace::TraceFile t = with_frame_freed(3);
  const std::vector<HazardChain> chains = hazard_chains(t);
  ASSERT_EQ(chains.size(), 5u);
  EXPECT_TRUE(same_story(t, chains[0], chains[2]));
  EXPECT_FALSE(same_story(t, chains[0], chains[3]));  // the stale write
  const std::string text = format_explanation(t, chains);
  EXPECT_THAT(text, ::testing::StartsWith("5 hazards: 3 freed_frame_reachable, 1 stale_write, 1 lost_dirty_bit"));
  EXPECT_THAT(text, HasSubstr("3 hazards at events 10, 12, 14: freed_frame_reachable on vCPU 0"));
  EXPECT_THAT(text, HasSubstr("(and 2 more like it)"));
  EXPECT_EQ(text.find("hazard at event 12"), std::string::npos);
}

TEST(Explain, AnEntryNeverFlushedIsStillInTheTlbAtTheEnd) {
  trace::TraceFile t = test::mini_seed_trace();
  t.records.resize(test::kMiniHazard + 1);  // cut before the flushes
  t.footer.reset();
  const std::vector<HazardChain> chains = hazard_chains(t);
  ASSERT_EQ(chains.size(), 1u);
  EXPECT_FALSE(chains[0].removal.has_value());
  const std::string text = format_explanation(t, chains);
  EXPECT_THAT(text, HasSubstr("too late:      the entry was still in vCPU 0's TLB at the end of the trace"));
  EXPECT_THAT(text, HasSubstr("verdict: none: the trace has no footer"));
}

TEST(Explain, ATraceWithoutHazardsSaysSo) {
  trace::TraceFile t = test::mini_seed_trace();
  t.records.resize(test::kMiniStale + 1);
  EXPECT_THAT(format_explanation(t, hazard_chains(t)), HasSubstr("no hazards in this trace"));
}

TEST(Explain, FindRemovalSeesACr3LoadForANonGlobalEntry) {
  trace::TraceFile t = test::mini_seed_trace();
  t.records.resize(test::kMiniHazard + 1);
  proto::TraceRecord& cr3 = t.records.emplace_back();
  cr3.set_kind(proto::CR3_LOAD);
  cr3.set_vcpu(0);
  cr3.set_seq(100);
  EXPECT_EQ(find_removal(t, 0, t.records[test::kMiniHazard].entry(), test::kMiniHazard), test::kMiniHazard + 1);
  proto::TlbEntryRecord global = t.records[test::kMiniHazard].entry();
  global.set_global(true);
  EXPECT_EQ(find_removal(t, 0, global, test::kMiniHazard), std::nullopt);
}

}  // namespace
}  // namespace shadowtlb::inspect
