// The trace as JSON for the page: field names, hex addresses, zero fields left out.
#include "vmm/report/report_data.h"

#include <gtest/gtest.h>

#include "vmm/report/seed_trace.h"

namespace shadowtlb::report {
namespace {

TEST(ReportData, KindNamesAreTheEnumsInLowerCase) {
  EXPECT_EQ(record_kind_name(proto::PTE_WRITE), "pte_write");
  EXPECT_EQ(record_kind_name(proto::FLUSH_REMOTE), "flush_remote");
  EXPECT_EQ(record_kind_name(proto::RECORD_UNKNOWN), "unknown");
  EXPECT_EQ(record_kind_name(static_cast<proto::RecordKind>(99)), "unknown");
}

TEST(ReportData, AddressesAreHexStringsAndZeroFieldsAreLeftOut) {
  proto::TraceRecord r;
  r.set_seq(42);
  r.set_kind(proto::STALE_WRITE);
  r.set_vcpu(0);
  r.set_gva(0x100000000000);
  r.set_rip(0xffffffff80001234);
  r.set_insn_bytes(std::string("\xc7\x00\x02\x00\x00\x00", 6));
  r.set_disassembly("mov dword ptr [rax], 2");
  const Json j = record_json(r);
  EXPECT_EQ(j["seq"], 42);
  EXPECT_EQ(j["kind"], "stale_write");
  EXPECT_EQ(j["vcpu"], 0);
  EXPECT_EQ(j["gva"], "0x100000000000");
  EXPECT_EQ(j["rip"], "0xffffffff80001234");
  EXPECT_EQ(j["insn_bytes"], "c7 00 02 00 00 00");
  EXPECT_EQ(j["disassembly"], "mov dword ptr [rax], 2");
  EXPECT_FALSE(j.contains("gpa"));
  EXPECT_FALSE(j.contains("entry"));
  EXPECT_FALSE(j.contains("initiator"));
}

TEST(ReportData, FlushAllIsKeptExactAndShootdownsNameTheirInitiator) {
  proto::TraceRecord r;
  r.set_kind(proto::FLUSH_REMOTE);
  r.set_vcpu(1);
  r.set_initiator(0);
  r.set_npages(~0ull);
  const Json j = record_json(r);
  EXPECT_EQ(j["npages"], "0xffffffffffffffff");
  EXPECT_EQ(j["initiator"], 0);
  EXPECT_FALSE(j.contains("seq"));  // a VMM record
}

TEST(ReportData, EntriesCarryOnlyTheFlagsThatAreSet) {
  proto::TlbEntryRecord e;
  e.set_va(0x100000000000);
  e.set_page_size(0x1000);
  e.set_frame(0x2345000);
  e.set_writable(true);
  e.set_stale(true);
  e.set_stale_since(7);
  const Json j = tlb_entry_json(e);
  EXPECT_EQ(j["va"], "0x100000000000");
  EXPECT_EQ(j["page_size"], "0x1000");
  EXPECT_EQ(j["writable"], true);
  EXPECT_EQ(j["stale"], true);
  EXPECT_EQ(j["stale_since"], 7);
  EXPECT_FALSE(j.contains("dirty"));
  EXPECT_FALSE(j.contains("user"));
}

TEST(ReportData, TheWholeTraceHasHeaderRecordsSnapshotsAndFooter) {
  const trace::TraceFile file = test::seed_trace_file();
  const Json j = report_data(file, "t.pb");
  EXPECT_EQ(j["format"], 1);
  EXPECT_EQ(j["source"], "t.pb");
  EXPECT_EQ(j["header"]["image"], "mremap-race");
  EXPECT_EQ(j["header"]["vcpus"], 2);
  EXPECT_EQ(j["records"].size(), file.records.size());
  ASSERT_EQ(j["snapshots"].size(), 1u);
  EXPECT_EQ(j["snapshots"][0]["tlbs"][0]["entries"][0]["va"], "0x100000000000");
  EXPECT_EQ(j["footer"]["verdict"], "lost_write");
  EXPECT_EQ(j["footer"]["explanation"].size(), 4u);
  EXPECT_EQ(j["footer"]["message"], "");
  EXPECT_EQ(j["records"][test::kSeedFirstHazard]["kind"], "hazard");

  trace::TraceFile cut = file;
  cut.footer.reset();
  cut.truncated = true;
  cut.problem = "no footer";
  const Json k = report_data(cut, "t.pb");
  EXPECT_TRUE(k["footer"].is_null());
  EXPECT_EQ(k["truncated"], true);
  EXPECT_EQ(k["problem"], "no footer");
}

}  // namespace
}  // namespace shadowtlb::report
