// tlbs_at and index_of_seq on hand-made traces: each record kind's effect on
// the TLBs (docs/shadow-mmu.md rules 1-6), snapshots as starting points.
#include <gtest/gtest.h>

#include "vmm/trace/trace_builders.h"
#include "vmm/trace/trace_reader.h"

namespace shadowtlb::trace {
namespace {

using test::entry;
using test::fill;
using test::flush;
using test::k2M;
using test::k4K;
using test::record;

constexpr std::uint64_t kAll = ~0ull;

TraceFile trace_of(unsigned vcpus, std::vector<proto::TraceRecord> records) {
  TraceFile t;
  t.header.set_vcpus(vcpus);
  t.records = std::move(records);
  return t;
}

std::vector<std::uint64_t> vas(const std::vector<proto::TlbEntryRecord>& tlb) {
  std::vector<std::uint64_t> out;
  for (const auto& e : tlb) out.push_back(e.va());
  return out;
}

using Vas = std::vector<std::uint64_t>;

TEST(TlbReconstructionTest, AFillThenALocalFlushOfItsPageRemovesIt) {
  TraceFile t = trace_of(2, {fill(1, 0, entry(0x400000, 0x10000)), fill(2, 0, entry(0x401000, 0x11000)),
                             flush(3, proto::FLUSH_LOCAL, 0, 0x400000, 1)});
  EXPECT_EQ(vas(tlbs_at(t, 1)[0]), (Vas{0x400000, 0x401000}));
  EXPECT_EQ(vas(tlbs_at(t, 2)[0]), (Vas{0x401000}));
  EXPECT_TRUE(tlbs_at(t, 2)[1].empty());
  EXPECT_EQ(tlbs_at(t, 0)[0][0].frame(), 0x10000u);
}

TEST(TlbReconstructionTest, ARemoteFlushRemovesTheRangeFromItsTargetOnly) {
  TraceFile t = trace_of(2, {fill(1, 0, entry(0x400000, 0x10000)), fill(2, 0, entry(0x402000, 0x12000)),
                             fill(3, 0, entry(0x404000, 0x14000)), fill(4, 1, entry(0x402000, 0x12000)),
                             flush(5, proto::FLUSH_REMOTE, 0, 0x401000, 3)});
  t.records.back().set_initiator(1);
  auto tlbs = tlbs_at(t, 4);
  EXPECT_EQ(vas(tlbs[0]), (Vas{0x400000, 0x404000})) << "[0x401000, 0x404000) is gone";
  EXPECT_EQ(vas(tlbs[1]), (Vas{0x402000})) << "vCPU 1 was not a target";
}

TEST(TlbReconstructionTest, AFlushOfOnePageDropsTheHugePageAroundIt) {
  TraceFile t = trace_of(1, {fill(1, 0, entry(0x200000, 0x400000, k2M)), fill(2, 0, entry(0x600000, 0x800000, k2M)),
                             flush(3, proto::FLUSH_LOCAL, 0, 0x3ff000, 1)});
  EXPECT_EQ(vas(tlbs_at(t, 2)[0]), (Vas{0x600000}));
}

TEST(TlbReconstructionTest, ACr3LoadAndAFlushAllKeepGlobalEntries) {
  TraceFile t = trace_of(1, {fill(1, 0, entry(0x400000, 0x10000)), fill(2, 0, entry(0x500000, 0x20000, k4K, true)),
                             record(3, proto::CR3_LOAD, 0), fill(4, 0, entry(0x600000, 0x30000)),
                             flush(5, proto::FLUSH_LOCAL, 0, 0, kAll),
                             flush(6, proto::FLUSH_LOCAL, 0, 0x500000, 1)});
  EXPECT_EQ(vas(tlbs_at(t, 2)[0]), (Vas{0x500000}));
  EXPECT_EQ(vas(tlbs_at(t, 3)[0]), (Vas{0x500000, 0x600000}));
  EXPECT_EQ(vas(tlbs_at(t, 4)[0]), (Vas{0x500000}));
  EXPECT_TRUE(tlbs_at(t, 5)[0].empty()) << "INVLPG drops a global entry too";
}

TEST(TlbReconstructionTest, AHugeRangeDoesNotWrapAround) {
  TraceFile t = trace_of(1, {fill(1, 0, entry(0x1000, 0x10000)), fill(2, 0, entry(0x7fff'ffff'f000, 0x20000)),
                             flush(3, proto::FLUSH_LOCAL, 0, 0x2000, kAll - 1)});
  EXPECT_EQ(vas(tlbs_at(t, 2)[0]), (Vas{0x1000}));
}

TEST(TlbReconstructionTest, StaleRecordsMarkTheEntryAndCanMakeItCurrentAgain) {
  proto::TlbEntryRecord e = entry(0x400000, 0x10000);
  proto::TraceRecord stale = record(3, proto::STALE, 0);
  *stale.mutable_entry() = e;
  stale.mutable_entry()->set_filled_at(1);
  stale.mutable_entry()->set_stale(true);
  stale.mutable_entry()->set_stale_since(2);
  proto::TraceRecord current = stale;
  current.set_seq(5);
  current.mutable_entry()->set_stale(false);
  current.mutable_entry()->set_stale_since(0);
  TraceFile t = trace_of(1, {fill(1, 0, e), record(2, proto::PTE_WRITE, 1), stale,
                             record(4, proto::STALE_WRITE, 0), current});
  EXPECT_FALSE(tlbs_at(t, 1)[0][0].stale());
  ASSERT_EQ(tlbs_at(t, 3)[0].size(), 1u);
  EXPECT_TRUE(tlbs_at(t, 3)[0][0].stale());
  EXPECT_EQ(tlbs_at(t, 3)[0][0].stale_since(), 2u);
  EXPECT_EQ(tlbs_at(t, 3)[0][0].filled_at(), 1u);
  EXPECT_FALSE(tlbs_at(t, 4)[0][0].stale());
}

TEST(TlbReconstructionTest, EvictionsEnforcementAndFaultsDropTheirEntry) {
  auto dropping = [](std::uint64_t seq, proto::RecordKind kind, const proto::TlbEntryRecord& e) {
    proto::TraceRecord r = record(seq, kind, 0);
    *r.mutable_entry() = e;
    r.set_gva(e.va());
    return r;
  };
  proto::TlbEntryRecord a = entry(0x1000, 0x10000), b = entry(0x2000, 0x20000), c = entry(0x3000, 0x30000),
                        d = entry(0x4000, 0x40000);
  proto::TraceRecord plain_fault = record(9, proto::GUEST_FAULT, 0);
  plain_fault.set_gva(0x4000);  // no entry: nothing was cached, nothing dropped
  TraceFile t = trace_of(1, {fill(1, 0, a), fill(2, 0, b), fill(3, 0, c), fill(4, 0, d),
                             dropping(5, proto::EVICT, a), dropping(6, proto::ENFORCE, b),
                             dropping(7, proto::SPURIOUS_FAULT, c), plain_fault,
                             dropping(10, proto::GUEST_FAULT, d)});
  EXPECT_EQ(vas(tlbs_at(t, 4)[0]), (Vas{0x2000, 0x3000, 0x4000}));
  EXPECT_EQ(vas(tlbs_at(t, 5)[0]), (Vas{0x3000, 0x4000}));
  EXPECT_EQ(vas(tlbs_at(t, 6)[0]), (Vas{0x4000}));
  EXPECT_EQ(vas(tlbs_at(t, 7)[0]), (Vas{0x4000}));
  EXPECT_TRUE(tlbs_at(t, 8)[0].empty());
}

TEST(TlbReconstructionTest, ADirtyUpgradeReplacesTheEntryThatTookTheWrite) {
  proto::TraceRecord upgrade = record(2, proto::DIRTY_UPGRADE, 0);
  upgrade.set_gva(0x200123);
  *upgrade.mutable_entry() = entry(0x200000, 0x600000, k2M);
  upgrade.mutable_entry()->set_dirty(true);
  TraceFile t = trace_of(1, {fill(1, 0, entry(0x200000, 0x10000)), upgrade});
  auto tlb = tlbs_at(t, 1)[0];
  ASSERT_EQ(tlb.size(), 1u);
  EXPECT_EQ(tlb[0].page_size(), k2M);
  EXPECT_TRUE(tlb[0].dirty());
}

// A snapshot is a starting point from its event on: what it holds stays
// unless later records remove it, and records before it are not replayed.
TEST(TlbReconstructionTest, ASnapshotPlusTheRecordsAfterIt) {
  TraceFile t = trace_of(2, {fill(1, 0, entry(0x1000, 0x10000)), fill(2, 1, entry(0x2000, 0x20000)),
                             test::mark("m", 0), flush(3, proto::FLUSH_LOCAL, 0, 0x9000, 1),
                             fill(4, 0, entry(0x5000, 0x50000))});
  proto::TlbSnapshot s;
  s.set_after_seq(2);
  s.set_position(3);
  s.set_mark("m");
  proto::VcpuTlb* v0 = s.add_tlbs();
  v0->set_vcpu(0);
  *v0->add_entries() = entry(0x1000, 0x10000);
  *v0->add_entries() = entry(0x9000, 0x90000);  // something the records never showed
  proto::VcpuTlb* v1 = s.add_tlbs();
  v1->set_vcpu(1);
  *v1->add_entries() = entry(0x2000, 0x20000);
  t.snapshots.push_back(s);

  EXPECT_EQ(vas(tlbs_at(t, 0)[0]), (Vas{0x1000})) << "before the snapshot: records only";
  EXPECT_EQ(vas(tlbs_at(t, 1)[0]), (Vas{0x1000, 0x9000})) << "at its event: the snapshot";
  EXPECT_EQ(vas(tlbs_at(t, 2)[0]), (Vas{0x1000, 0x9000})) << "the mark's record: the snapshot";
  EXPECT_EQ(vas(tlbs_at(t, 2)[1]), (Vas{0x2000}));
  EXPECT_EQ(vas(tlbs_at(t, 3)[0]), (Vas{0x1000})) << "the flush removed the snapshot's entry";
  EXPECT_EQ(vas(tlbs_at(t, 4)[0]), (Vas{0x1000, 0x5000}));
}

// A snapshot numbered before records written ahead of it (a free-running
// run's event slipped in while the dump was being written) is still exact.
TEST(TlbReconstructionTest, RecordsWrittenBeforeALateSnapshotStillApply) {
  TraceFile t = trace_of(1, {fill(1, 0, entry(0x1000, 0x10000)), fill(2, 0, entry(0x2000, 0x20000))});
  proto::TlbSnapshot s;
  s.set_after_seq(1);
  s.set_position(2);  // written after record seq 2
  *s.add_tlbs()->add_entries() = entry(0x1000, 0x10000);
  t.snapshots.push_back(s);
  EXPECT_EQ(vas(tlbs_at(t, 1)[0]), (Vas{0x1000, 0x2000}));
}

TEST(TlbReconstructionTest, ARecordNamingAnUnknownVcpuGrowsTheResult) {
  TraceFile t = trace_of(1, {fill(1, 3, entry(0x1000, 0x10000))});
  auto tlbs = tlbs_at(t, 0);
  ASSERT_EQ(tlbs.size(), 4u);
  EXPECT_EQ(vas(tlbs[3]), (Vas{0x1000}));
}

TEST(TlbReconstructionTest, AnIndexPastTheEndThrows) {
  TraceFile t = trace_of(1, {fill(1, 0, entry(0x1000, 0x10000))});
  EXPECT_THROW((void)tlbs_at(t, 1), std::out_of_range);
}

TEST(TlbReconstructionTest, IndexOfSeqSkipsVmmRecords) {
  std::vector<proto::TraceRecord> records;
  for (std::uint64_t seq = 1; seq <= 50; ++seq) {
    records.push_back(test::mark("m", 0));
    if (seq % 3 == 0) records.push_back(test::mark("n", 1));
    records.push_back(record(seq, proto::PTE_READ, 0));
  }
  records.push_back(test::mark("end", 0));
  TraceFile t = trace_of(2, records);
  for (std::uint64_t seq = 1; seq <= 50; ++seq) {
    std::optional<std::size_t> i = index_of_seq(t, seq);
    ASSERT_TRUE(i) << seq;
    EXPECT_EQ(t.records[*i].seq(), seq);
  }
  EXPECT_FALSE(index_of_seq(t, 0));
  EXPECT_FALSE(index_of_seq(t, 51));
  EXPECT_FALSE(index_of_seq(trace_of(1, {}), 1));
}

}  // namespace
}  // namespace shadowtlb::trace
