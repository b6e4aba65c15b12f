// The JSON of records, the TLB view and the explanation.
#include "vmm/inspect/inspect_json.h"

#include <gtest/gtest.h>

#include "vmm/inspect/filters.h"
#include "vmm/inspect/mini_trace.h"

namespace shadowtlb::inspect {
namespace {

// Through text and back, as a script would see it.
nlohmann::json round_trip(const Json& json) { return nlohmann::json::parse(dump_json(json)); }

TEST(InspectJson, RecordsCarryTheirEventNumberKindAndFields) {
  const trace::TraceFile t = test::mini_seed_trace();
  RecordFilter f;
  f.kinds = {proto::PTE_WRITE, proto::HAZARD};
  const nlohmann::json j = round_trip(records_json(t, select_records(t, f)));
  EXPECT_EQ(j["trace"]["image"], "mremap-race");
  EXPECT_EQ(j["trace"]["vcpus"], 2);
  EXPECT_EQ(j["trace"]["truncated"], false);
  EXPECT_EQ(j["trace"]["footer"]["verdict"], "lost_write");
  ASSERT_EQ(j["records"].size(), 4u);
  const nlohmann::json& move = j["records"][0];
  EXPECT_EQ(move["event"], test::kMiniPteMove);
  EXPECT_EQ(move["kind"], "pte_write");
  EXPECT_EQ(move["vcpu"], 1);
  EXPECT_EQ(move["gpa"], "0x7f1000");
  EXPECT_EQ(move["old_value"], "0x2345067");
  EXPECT_EQ(move["new_value"], "0x0");
  EXPECT_EQ(move["rip"], "0xffffffff80023450");
  EXPECT_EQ(move["instruction"], "xchg qword ptr [rsi], rax");
  const nlohmann::json& hazard = j["records"][2];
  EXPECT_EQ(hazard["event"], test::kMiniHazard);
  EXPECT_EQ(hazard["hazard_kind"], "stale_write");
  EXPECT_EQ(hazard["write_event"], test::kMiniStaleWrite);      // an event number, not the seq
  EXPECT_EQ(hazard["stale_since_event"], test::kMiniPteMove);
  EXPECT_EQ(hazard["entry"]["va"], "0x100000000000");
  EXPECT_EQ(hazard["entry"]["stale"], true);
  EXPECT_EQ(hazard["entry"]["filled_at_event"], test::kMiniFill);
  EXPECT_EQ(j["records"][3]["removed_at_event"], test::kMiniLateFlush);
}

TEST(InspectJson, TheTlbViewMarksTheStaleEntryWithThePageTablesSide) {
  const trace::TraceFile t = test::mini_seed_trace();
  const nlohmann::json j = round_trip(tlb_view_json(t, tlb_view(t, test::kMiniStaleWrite)));
  EXPECT_EQ(j["at"]["event"], test::kMiniStaleWrite);
  ASSERT_EQ(j["tlbs"].size(), 2u);
  EXPECT_EQ(j["tlbs"][0]["vcpu"], 0);
  const nlohmann::json& x = j["tlbs"][0]["entries"][0];
  EXPECT_EQ(x["va"], "0x100000000000");
  EXPECT_EQ(x["stale"], true);
  EXPECT_EQ(x["made_stale_by"]["event"], test::kMiniPteMove);
  EXPECT_EQ(x["pte_now"]["value"], "0x0");
  EXPECT_EQ(x["frame_mapped_by"]["pte"], "0x7f3000");
  EXPECT_TRUE(j["tlbs"][1]["entries"].empty());
}

TEST(InspectJson, TheExplanationLinksEachPartToItsRecord) {
  const trace::TraceFile t = test::mini_seed_trace();
  const nlohmann::json j = round_trip(explanation_json(t, hazard_chains(t)));
  ASSERT_EQ(j["hazards"].size(), 2u);
  const nlohmann::json& c = j["hazards"][0];
  EXPECT_EQ(c["hazard"]["event"], test::kMiniHazard);
  EXPECT_EQ(c["write"]["event"], test::kMiniStaleWrite);
  EXPECT_EQ(c["write"]["instruction"], "mov dword ptr [rax], 2");
  EXPECT_EQ(c["fill"]["event"], test::kMiniFill);
  EXPECT_EQ(c["pte_write"]["event"], test::kMiniPteMove);
  EXPECT_EQ(c["remap"]["event"], test::kMiniPteNew);
  EXPECT_EQ(c["removal"]["event"], test::kMiniLateFlush);
  EXPECT_EQ(c["removal_source"], "scan");
  EXPECT_EQ(j["hazards"][1]["removal_source"], "removed_at");
  EXPECT_FALSE(c["lines"].empty());
  EXPECT_EQ(j["verdict"]["name"], "lost_write");
}

TEST(InspectJson, BadUtf8FromTheGuestIsReplaced) {
  trace::TraceFile t = test::mini_seed_trace();
  t.records[2].set_mark("race.\xff");
  nlohmann::json j;
  EXPECT_NO_THROW(j = nlohmann::json::parse(dump_json(records_json(t, {2}))));
  EXPECT_EQ(j["records"][0]["mark"], "race.\ufffd");
}

}  // namespace
}  // namespace shadowtlb::inspect
