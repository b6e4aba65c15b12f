// Every vCPU's TLB at an event, with the stale entry and the page tables' side of it.
#include "vmm/inspect/tlb_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vmm/inspect/mini_trace.h"

namespace shadowtlb::inspect {
namespace {

using ::testing::HasSubstr;

TEST(TlbView, AtTheStaleWriteVcpu0HoldsXMarkedStale) {
  const trace::TraceFile t = test::mini_seed_trace();
  const TlbView view = tlb_view(t, test::kMiniStaleWrite);
  ASSERT_EQ(view.vcpus.size(), 2u);
  ASSERT_EQ(view.vcpus[0].size(), 1u);
  EXPECT_TRUE(view.vcpus[1].empty());
  const TlbViewEntry& x = view.vcpus[0][0];
  EXPECT_EQ(x.entry.va(), test::kMiniX);
  EXPECT_TRUE(x.entry.stale());
  EXPECT_EQ(x.filled_event, test::kMiniFill);
  EXPECT_EQ(x.stale_event, test::kMiniPteMove);
  ASSERT_TRUE(x.pte_now.has_value());
  EXPECT_EQ(x.pte_now->event, test::kMiniPteMove);
  EXPECT_EQ(x.pte_now->value, 0u);
  ASSERT_TRUE(x.frame_now.has_value());
  EXPECT_EQ(x.frame_now->address, test::kMiniPteY);
  EXPECT_EQ(x.frame_now->event, test::kMiniPteNew);

  const std::string text = format_tlb_view(t, view);
  EXPECT_THAT(text, HasSubstr("TLBs after event 9 (vCPU 0: stale_write"));
  EXPECT_THAT(text, HasSubstr("vCPU 0: 1 entry, 1 STALE"));
  EXPECT_THAT(text, HasSubstr("! 0x100000000000 4K -> 0x2345000 RW U dirty  STALE since event 5  filled at event 3"));
  EXPECT_THAT(text, HasSubstr("made stale by event 5: vCPU 1 pte_write [0x7f1000] 0x2345067 -> 0x0  xchg"));
  EXPECT_THAT(text, HasSubstr("page tables now: [0x7f1000] = 0x0 (written at event 5): 0x100000000000 no longer maps to 0x2345000"));
  EXPECT_THAT(text, HasSubstr("frame 0x2345000 is now mapped by [0x7f3000] = 0x2345067 (written at event 7)"));
  EXPECT_THAT(text, HasSubstr("vCPU 1: empty"));
}

TEST(TlbView, BeforeThePteMoveTheEntryIsCurrent) {
  const trace::TraceFile t = test::mini_seed_trace();
  const TlbView view = tlb_view(t, test::kMiniFill);
  ASSERT_EQ(view.vcpus[0].size(), 1u);
  EXPECT_FALSE(view.vcpus[0][0].entry.stale());
  EXPECT_FALSE(view.vcpus[0][0].pte_now.has_value());
  EXPECT_THAT(format_tlb_view(t, view), HasSubstr("  0x100000000000 4K -> 0x2345000 RW U dirty  current"));
}

TEST(TlbView, AfterTheLateFlushTheEntryIsGone) {
  const trace::TraceFile t = test::mini_seed_trace();
  const TlbView view = tlb_view(t, test::kMiniLateFlush);
  EXPECT_TRUE(view.vcpus[0].empty());
  EXPECT_THAT(format_tlb_view(t, view), HasSubstr("vCPU 0: empty"));
}

TEST(TlbView, AnEventPastTheEndIsAnError) {
  const trace::TraceFile t = test::mini_seed_trace();
  EXPECT_THROW((void)tlb_view(t, test::kMiniRecords), std::out_of_range);
}

TEST(TlbView, PteFrameNeedsPresent) {
  EXPECT_EQ(pte_frame(0x2345067), 0x2345000u);
  EXPECT_EQ(pte_frame(0x2345066), std::nullopt);
  EXPECT_EQ(pte_frame(0x8000000002345067), 0x2345000u);  // XD is not address
}

}  // namespace
}  // namespace shadowtlb::inspect
