// The per-vCPU columns of the timeline and how they fit a terminal.
#include "vmm/inspect/timeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "vmm/inspect/filters.h"
#include "vmm/inspect/mini_trace.h"

namespace shadowtlb::inspect {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::size_t> all(const trace::TraceFile& t) { return select_records(t, {}); }

// The line whose event column says `event`.
std::string row(const std::vector<std::string>& lines, std::size_t event) {
  const std::string number = std::to_string(event);
  for (const std::string& line : lines) {
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos && line.compare(first, number.size() + 2, number + "  ") == 0)
      return line;
  }
  return "";
}

TEST(Timeline, OneColumnPerVcpuWithEachRecordInItsVcpusColumn) {
  const trace::TraceFile t = test::mini_seed_trace();
  const auto lines = lines_of(format_timeline(t, all(t), {160, {}}));
  ASSERT_EQ(lines.size(), 1 + test::kMiniRecords);
  EXPECT_THAT(lines[0], StartsWith("EVENT  vCPU 0"));
  const std::size_t second = lines[0].find("| vCPU 1");
  ASSERT_NE(second, std::string::npos);

  // vCPU 0's fill sits left of the separator, vCPU 1's PTE write right of it.
  const std::string fill = row(lines, test::kMiniFill);
  EXPECT_THAT(fill, HasSubstr("tlb_fill 0x100000000000"));
  EXPECT_LT(fill.find("tlb_fill"), second);
  EXPECT_EQ(fill.find("pte_write"), std::string::npos);

  const std::string move = row(lines, test::kMiniPteMove);
  EXPECT_EQ(move.find("pte_write"), second + 2);
  EXPECT_THAT(move, HasSubstr("pte_write [0x7f1000] 0x2345067 -> 0x0  xchg qword ptr [rsi], rax"));
  EXPECT_EQ(move.substr(0, second).find_first_not_of(' ', 6), std::string::npos);

  EXPECT_THAT(row(lines, test::kMiniStaleWrite), HasSubstr("stale_write 0x100000000000"));
  EXPECT_THAT(row(lines, test::kMiniHazard), HasSubstr("HAZARD stale_write"));
}

TEST(Timeline, CellsAreCutToTheWidth) {
  const trace::TraceFile t = test::mini_seed_trace();
  for (std::size_t width : {80u, 100u, 160u}) {
    const std::string text = format_timeline(t, all(t), {width, {}});
    for (const std::string& line : lines_of(text)) EXPECT_LE(display_width(line), width) << line;
    if (width == 80) {
      EXPECT_THAT(text, HasSubstr("\u2026"));
    }
  }
}

TEST(Timeline, FitCutsOnCodePointsAndMarksTheCut) {
  EXPECT_EQ(fit("abcdef", 6), "abcdef");
  EXPECT_EQ(fit("abcdef", 4), "abc\u2026");
  EXPECT_EQ(display_width(fit("\u00e9\u00e9\u00e9\u00e9", 3)), 3u);
}

TEST(Timeline, OnlyTheChosenVcpusGetColumns) {
  const trace::TraceFile t = test::mini_seed_trace();
  RecordFilter filter;
  filter.vcpus = {1};
  const auto lines = lines_of(format_timeline(t, select_records(t, filter), {100, {1}}));
  EXPECT_THAT(lines[0], StartsWith("EVENT  vCPU 1"));
  EXPECT_EQ(lines[0].find("vCPU 0"), std::string::npos);
  EXPECT_THAT(row(lines, test::kMiniPteMove), HasSubstr("pte_write"));
  EXPECT_EQ(row(lines, test::kMiniFill), "");
}

TEST(Timeline, TheSummaryNamesTheRunAndItsResult) {
  const trace::TraceFile t = test::mini_seed_trace();
  const std::string summary = trace_summary(t);
  EXPECT_THAT(summary, HasSubstr("mremap-race: 2 vCPUs"));
  EXPECT_THAT(summary, HasSubstr("18 records"));
  EXPECT_THAT(summary, HasSubstr("result lost_write (exit 3)"));
}

}  // namespace
}  // namespace shadowtlb::inspect
