// Event traces: what is kept, what is forwarded, and how two are compared.
#include "vmm/runtime/event_trace.h"

#include <gtest/gtest.h>

#include <vector>

namespace shadowtlb::vmm {
namespace {

class CountingSink final : public mmu::EventSink {
 public:
  void on_event(const mmu::Event& event) override { seqs.push_back(event.seq); }
  std::vector<mmu::EventSeq> seqs;
};

mmu::Event event(mmu::EventSeq seq, mmu::EventKind kind, std::uint64_t va) {
  mmu::Event e;
  e.seq = seq;
  e.kind = kind;
  e.vcpu = 1;
  e.va = GuestVirtAddr(va);
  e.entry.dirty = true;
  return e;
}

EventTrace record(std::uint64_t va, const char* mark) {
  TraceRecorder recorder(nullptr, true);
  recorder.on_event(event(1, mmu::EventKind::fill, va));
  recorder.add_mark(0, mark, 3);
  recorder.add_mark(1, "b", 4);
  return recorder.take();
}

TEST(EventTraceTest, EventsAreForwardedWhetherOrNotTheyAreKept) {
  CountingSink sink;
  TraceRecorder off(&sink, false);
  off.on_event(event(1, mmu::EventKind::fill, 0x1000));
  off.add_mark(0, "a", 0);
  EXPECT_TRUE(off.take().events.empty());
  TraceRecorder on(&sink, true);
  on.on_event(event(2, mmu::EventKind::pte_write, 0x2000));
  EXPECT_EQ(sink.seqs, (std::vector<mmu::EventSeq>{1, 2}));
}

TEST(EventTraceTest, ModelEventsAndMarksAreKeptInOrder) {
  EventTrace t = record(0x1000, "a");
  ASSERT_EQ(t.events.size(), 3u);
  EXPECT_EQ(t.events[0].source, TraceEvent::Source::mmu);
  EXPECT_EQ(t.events[0].va, 0x1000u);
  EXPECT_EQ(t.events[0].entry_flags, kEntryDirty);
  EXPECT_EQ(t.events[1].source, TraceEvent::Source::mark);
  EXPECT_EQ(t.names[t.events[1].name], "a");
  EXPECT_EQ(t.events[1].new_value, 3u);
  EXPECT_EQ(format_trace_event(t, t.events[1]), "mark 'a' vCPU 0 (0x3)");
  EXPECT_NE(format_trace_event(t, t.events[0]).find("fill vCPU 1"), std::string::npos);
}

TEST(EventTraceTest, FirstDifferenceFindsWhereTwoRunsPartWays) {
  EXPECT_EQ(first_difference(record(0x1000, "a"), record(0x1000, "a")), std::nullopt);
  EXPECT_EQ(first_difference(record(0x1000, "a"), record(0x2000, "a")), 0u);
  EXPECT_EQ(first_difference(record(0x1000, "a"), record(0x1000, "c")), 1u);
  EventTrace shorter = record(0x1000, "a");
  shorter.events.pop_back();
  EXPECT_EQ(first_difference(record(0x1000, "a"), shorter), 2u);
}

TEST(EventTraceTest, MarkNamesCompareAsTextNotByNumber) {
  // The same marks first seen in another order get other numbers.
  TraceRecorder a(nullptr, true), b(nullptr, true);
  b.add_mark(0, "z", 0);
  EventTrace tb = b.take();
  a.add_mark(0, "x", 0);
  a.add_mark(0, "z", 0);
  EventTrace ta = a.take();
  ta.events.erase(ta.events.begin());
  ASSERT_NE(ta.events[0].name, tb.events[0].name);
  EXPECT_EQ(first_difference(ta, tb), std::nullopt);
}

}  // namespace
}  // namespace shadowtlb::vmm
