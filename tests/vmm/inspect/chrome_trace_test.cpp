// The Chrome trace-event export: its structure, threads, instants and durations.
#include "vmm/inspect/chrome_trace.h"

#include <gtest/gtest.h>

#include <map>

#include "vmm/inspect/filters.h"
#include "vmm/inspect/mini_trace.h"

namespace shadowtlb::inspect {
namespace {

nlohmann::json exported(const trace::TraceFile& t) {
  // As written to the file: compact text, parsed back.
  const std::string text = chrome_trace(t, select_records(t, {})).dump();
  return nlohmann::json::parse(text);
}

std::vector<nlohmann::json> events_with(const nlohmann::json& j, const std::string& ph) {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& e : j["traceEvents"])
    if (e["ph"] == ph) out.push_back(e);
  return out;
}

TEST(ChromeTrace, IsAnObjectWithATraceEventsArrayOfWellFormedEvents) {
  const nlohmann::json j = exported(test::mini_seed_trace());
  ASSERT_TRUE(j.is_object());
  ASSERT_TRUE(j.contains("traceEvents"));
  ASSERT_TRUE(j["traceEvents"].is_array());
  for (const nlohmann::json& e : j["traceEvents"]) {
    ASSERT_TRUE(e.contains("ph") && e["ph"].is_string()) << e;
    ASSERT_TRUE(e.contains("ts") && e["ts"].is_number()) << e;
    ASSERT_TRUE(e.contains("pid") && e["pid"].is_number_integer()) << e;
    ASSERT_TRUE(e.contains("tid") && e["tid"].is_number_integer()) << e;
    ASSERT_TRUE(e.contains("name") && e["name"].is_string()) << e;
    if (e["ph"] == "X") {
      ASSERT_TRUE(e.contains("dur") && e["dur"].is_number()) << e;
      EXPECT_GE(e["dur"].get<double>(), 0.0);
    }
  }
  EXPECT_EQ(j["displayTimeUnit"], "ns");
  EXPECT_EQ(j["otherData"]["verdict"], "lost_write");
}

TEST(ChromeTrace, EachVcpuIsANamedThread) {
  const nlohmann::json j = exported(test::mini_seed_trace());
  std::map<int, std::string> names;
  for (const nlohmann::json& e : events_with(j, "M"))
    if (e["name"] == "thread_name") names[e["tid"].get<int>()] = e["args"]["name"];
  EXPECT_EQ(names, (std::map<int, std::string>{{0, "vCPU 0"}, {1, "vCPU 1"}}));
}

TEST(ChromeTrace, EveryRecordIsAnInstantOnItsVcpuWithItsFields) {
  const nlohmann::json j = exported(test::mini_seed_trace());
  const auto instants = events_with(j, "i");
  ASSERT_EQ(instants.size(), test::kMiniRecords);
  const nlohmann::json& move = instants[test::kMiniPteMove];
  EXPECT_EQ(move["name"], "pte_write");
  EXPECT_EQ(move["tid"], 1);
  EXPECT_EQ(move["ts"], 6.0);  // host_time_ns 6000
  EXPECT_EQ(move["args"]["gpa"], "0x7f1000");
  EXPECT_EQ(move["args"]["instruction"], "xchg qword ptr [rsi], rax");
  EXPECT_EQ(move["args"]["event"], test::kMiniPteMove);
  const nlohmann::json& hazard = instants[test::kMiniHazard];
  EXPECT_EQ(hazard["name"], "HAZARD stale_write");
  EXPECT_EQ(hazard["s"], "p");  // drawn across the process
  EXPECT_EQ(instants[4]["name"], "race.t1.wrote_1");
}

TEST(ChromeTrace, FlushesAndShootdownsAreDurations) {
  const nlohmann::json j = exported(test::mini_seed_trace());
  const auto durations = events_with(j, "X");
  ASSERT_EQ(durations.size(), 2u);
  const nlohmann::json& flush = durations[0];
  EXPECT_EQ(flush["name"], "flush_tlb");
  EXPECT_EQ(flush["tid"], 1);
  EXPECT_EQ(flush["args"]["begin_event"], 12);
  EXPECT_EQ(flush["args"]["end_event"], 17);
  EXPECT_DOUBLE_EQ(flush["dur"].get<double>(), 5.0);
  const nlohmann::json& shootdown = durations[1];
  EXPECT_EQ(shootdown["name"], "shootdown");
  EXPECT_EQ(shootdown["tid"], 1);  // the initiator's
  EXPECT_EQ(shootdown["args"]["begin_event"], test::kMiniLateFlush);
  EXPECT_EQ(shootdown["args"]["ack_event"], 16);
  EXPECT_EQ(shootdown["args"]["targets"], nlohmann::json::array({0}));
}

TEST(ChromeTrace, WithoutHostTimesEachRecordIsAMicrosecond) {
  trace::TraceFile t = test::mini_seed_trace();
  for (proto::TraceRecord& r : t.records) r.set_host_time_ns(0);
  const auto instants = events_with(exported(t), "i");
  EXPECT_EQ(instants[test::kMiniHazard]["ts"], static_cast<double>(test::kMiniHazard));
}

}  // namespace
}  // namespace shadowtlb::inspect
