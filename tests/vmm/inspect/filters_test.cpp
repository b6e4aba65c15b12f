// --vcpu, --va, --kind, --from/--to over the miniature seed race.
#include "vmm/inspect/filters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vmm/inspect/mini_trace.h"
#include "vmm/inspect/record_text.h"

namespace shadowtlb::inspect {
namespace {

using ::testing::ElementsAre;
using ::testing::Contains;
using ::testing::Not;

TEST(Filters, NoFilterKeepsEverything) {
  const trace::TraceFile t = test::mini_seed_trace();
  EXPECT_EQ(select_records(t, {}).size(), test::kMiniRecords);
}

TEST(Filters, VcpuKeepsThatVcpusRecords) {
  const trace::TraceFile t = test::mini_seed_trace();
  RecordFilter f;
  f.vcpus = {1};
  for (std::size_t i : select_records(t, f)) EXPECT_EQ(t.records[i].vcpu(), 1u) << i;
  EXPECT_THAT(select_records(t, f), Contains(test::kMiniPteMove));
  f.vcpus = {0, 1};
  EXPECT_EQ(select_records(t, f).size(), test::kMiniRecords);
}

TEST(Filters, KindKeepsThoseKinds) {
  const trace::TraceFile t = test::mini_seed_trace();
  RecordFilter f;
  f.kinds = {proto::HAZARD};
  EXPECT_THAT(select_records(t, f), ElementsAre(test::kMiniHazard, test::kMiniLostDirty));
  f.kinds = {proto::PTE_WRITE, proto::STALE_WRITE};
  EXPECT_THAT(select_records(t, f), ElementsAre(test::kMiniPteMove, test::kMiniPteNew, test::kMiniStaleWrite));
}

TEST(Filters, FromToIsAnInclusiveRangeOfEvents) {
  const trace::TraceFile t = test::mini_seed_trace();
  RecordFilter f;
  f.from = 5;
  f.to = 7;
  EXPECT_THAT(select_records(t, f), ElementsAre(5, 6, 7));
  f.to.reset();
  EXPECT_EQ(select_records(t, f).size(), test::kMiniRecords - 5);
}

TEST(Filters, VaKeepsThePageItsFlushesAndItsPagingEntrysWrites) {
  const trace::TraceFile t = test::mini_seed_trace();
  RecordFilter f;
  f.va = test::kMiniX + 0x123;  // anywhere in the page
  const std::vector<std::size_t> kept = select_records(t, f);
  EXPECT_THAT(kept, ElementsAre(test::kMiniFill, test::kMiniPteMove, test::kMiniStale, test::kMiniStaleWrite,
                                test::kMiniHazard, test::kMiniLocalFlush, test::kMiniLateFlush,
                                test::kMiniLostDirty, 16 /* the shootdown's ack */));
  EXPECT_THAT(kept, Not(Contains(test::kMiniPteNew)));  // Y's PTE: no entry for X came from it

  f.va = test::kMiniX + 0x1000;  // the next page: nothing
  EXPECT_TRUE(select_records(t, f).empty());
}

TEST(Filters, VaInsideALargeEntryMatchesIt) {
  proto::TraceRecord fill;
  fill.set_kind(proto::TLB_FILL);
  fill.set_gva(0x40000000);
  fill.mutable_entry()->set_va(0x40000000);
  fill.mutable_entry()->set_page_size(2ull << 20);
  EXPECT_TRUE(touches_va(fill, 0x40000000 + 0x1ff000, {}));
  EXPECT_FALSE(touches_va(fill, 0x40000000 + 0x200000, {}));
}

TEST(Filters, AFlushOfEverythingTouchesEveryAddress) {
  proto::TraceRecord flush;
  flush.set_kind(proto::FLUSH_LOCAL);
  flush.set_npages(kAllPages);
  EXPECT_TRUE(touches_va(flush, 0x7fff00001000, {}));
  flush.set_npages(2);
  flush.set_gva(0x1000);
  EXPECT_TRUE(touches_va(flush, 0x2fff, {}));
  EXPECT_FALSE(touches_va(flush, 0x3000, {}));
}

TEST(Filters, FiltersCombine) {
  const trace::TraceFile t = test::mini_seed_trace();
  RecordFilter f;
  f.vcpus = {0};
  f.va = test::kMiniX;
  f.kinds = {proto::HAZARD, proto::FLUSH_REMOTE};
  f.from = test::kMiniHazard + 1;
  EXPECT_THAT(select_records(t, f), ElementsAre(test::kMiniLateFlush, test::kMiniLostDirty));
}

}  // namespace
}  // namespace shadowtlb::inspect
