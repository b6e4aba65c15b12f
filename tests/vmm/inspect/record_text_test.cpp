// Kind names and the one-line texts of records.
#include "vmm/inspect/record_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vmm/inspect/mini_trace.h"

namespace shadowtlb::inspect {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

TEST(RecordText, KindNamesAreTheProtoNamesInLowerCase) {
  EXPECT_EQ(kind_name(proto::TLB_FILL), "tlb_fill");
  EXPECT_EQ(kind_name(proto::FLUSH_REMOTE), "flush_remote");
  EXPECT_EQ(kind_name(proto::SHOOTDOWN_ACK), "shootdown_ack");
  EXPECT_THAT(all_kind_names(), Contains("pte_write"));
  EXPECT_THAT(all_kind_names(), Contains("mark"));
  EXPECT_THAT(all_kind_names(), ::testing::Not(Contains("record_unknown")));
}

TEST(RecordText, KindsParseInAnyCaseAndByTheModelsNames) {
  EXPECT_EQ(kind_from_name("pte_write"), proto::PTE_WRITE);
  EXPECT_EQ(kind_from_name("STALE-WRITE"), proto::STALE_WRITE);
  EXPECT_EQ(kind_from_name("fill"), proto::TLB_FILL);
  EXPECT_EQ(kind_from_name("shootdown"), proto::FLUSH_REMOTE);
  EXPECT_EQ(kind_from_name("record_unknown"), std::nullopt);
  EXPECT_EQ(kind_from_name("bogus"), std::nullopt);
}

TEST(RecordText, EachRecordSaysWhatHappened) {
  const trace::TraceFile t = test::mini_seed_trace();
  EXPECT_EQ(describe_record(t.records[test::kMiniFill]), "tlb_fill 0x100000000000 4K -> 0x2345000 RW U dirty");
  EXPECT_EQ(describe_record(t.records[test::kMiniPteMove]), "pte_write [0x7f1000] 0x2345067 -> 0x0");
  EXPECT_EQ(describe_record(t.records[test::kMiniStaleWrite]),
            "stale_write 0x100000000000 -> 0x2345000: 0x1 -> 0x2");
  EXPECT_EQ(describe_record(t.records[test::kMiniHazard]),
            "HAZARD stale_write 0x100000000000 frame 0x2345000");
  EXPECT_EQ(describe_record(t.records[test::kMiniLateFlush]),
            "flush_remote 0x100000000000 +1 page (by vCPU 1)");
  EXPECT_EQ(describe_record(t.records[4]), "mark race.t1.wrote_1 = 1");
  EXPECT_EQ(describe_record(t.records[12]), "mark flush_tlb = 0x100000000000");
}

TEST(RecordText, TheInstructionFollowsWithItsRip) {
  const trace::TraceFile t = test::mini_seed_trace();
  EXPECT_EQ(instruction_text(t.records[test::kMiniPteMove]), "xchg qword ptr [rsi], rax @0xffffffff80023450");
  EXPECT_EQ(instruction_text(t.records[0]), "");
  EXPECT_THAT(record_line(t.records[test::kMiniStaleWrite]), HasSubstr("0x1 -> 0x2  mov dword ptr [rax], 2"));
  proto::TraceRecord bare = t.records[test::kMiniPteMove];
  bare.clear_disassembly();
  EXPECT_EQ(instruction_text(bare), "@0xffffffff80023450");
}

TEST(RecordText, AFlushOfEverythingSaysAll) {
  proto::TraceRecord r;
  r.set_kind(proto::FLUSH_LOCAL);
  r.set_npages(kAllPages);
  EXPECT_EQ(describe_record(r), "flush_local all");
}

}  // namespace
}  // namespace shadowtlb::inspect
