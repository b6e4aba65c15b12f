// read_trace: round trips through TraceWriter, files cut at every byte, and
// files that are not traces.
#include "vmm/trace/trace_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <cstdio>
#include <string>

#include "vmm/trace/trace_builders.h"
#include "vmm/trace/trace_format.h"
#include "vmm/trace/trace_writer.h"

namespace shadowtlb::trace {
namespace {

using test::TempPath;

// stdio, not iostreams: GCC 12 warns (-Wnull-dereference) inside istreambuf_iterator.
std::string file_bytes(const std::filesystem::path& path) {
  std::string bytes;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char chunk[4096];
    while (std::size_t n = std::fread(chunk, 1, sizeof chunk, f)) bytes.append(chunk, n);
    std::fclose(f);
  }
  return bytes;
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
}

proto::TraceHeader header(unsigned vcpus) {
  proto::TraceHeader h;
  h.set_tool_version("0.1.0");
  h.set_image("test-image");
  h.set_vcpus(vcpus);
  h.add_argv("shadowtlb");
  h.add_argv("run");
  return h;
}

// Header, three records, a snapshot after the second, a footer.
void write_sample(const std::string& path, bool with_footer) {
  TraceWriter w(path, header(2));
  w.write_record(test::fill(1, 0, test::entry(0x400000, 0x1000)));
  w.write_record(test::mark("race.begin", 1));
  proto::TlbSnapshot s;
  s.set_after_seq(1);
  s.set_mark("race.begin");
  *s.add_tlbs()->add_entries() = test::entry(0x400000, 0x1000);
  w.write_snapshot(s);
  w.write_record(test::flush(2, proto::FLUSH_LOCAL, 0, 0x400000, 1));
  if (with_footer) {
    proto::TraceFooter f;
    f.set_result("lost_write");
    f.set_exit_code(3);
    w.write_footer(f);
  }
}

TEST(TraceReaderTest, RoundTripKeepsEveryItemInOrder) {
  TempPath p("roundtrip.pb");
  write_sample(p.str(), true);
  TraceFile t = read_trace(p.path());
  EXPECT_FALSE(t.truncated);
  EXPECT_EQ(t.problem, "");
  EXPECT_EQ(t.header.image(), "test-image");
  EXPECT_EQ(t.header.vcpus(), 2u);
  EXPECT_GT(t.header.start_unix_ns(), 0u);
  ASSERT_EQ(t.header.argv_size(), 2);
  EXPECT_EQ(t.header.argv(1), "run");
  ASSERT_EQ(t.records.size(), 3u);
  EXPECT_EQ(t.records[0].kind(), proto::TLB_FILL);
  EXPECT_EQ(t.records[0].entry().va(), 0x400000u);
  EXPECT_EQ(t.records[1].kind(), proto::MARK);
  EXPECT_EQ(t.records[1].mark(), "race.begin");
  EXPECT_EQ(t.records[2].kind(), proto::FLUSH_LOCAL);
  EXPECT_LE(t.records[0].host_time_ns(), t.records[1].host_time_ns());
  EXPECT_LE(t.records[1].host_time_ns(), t.records[2].host_time_ns());
  ASSERT_EQ(t.snapshots.size(), 1u);
  EXPECT_EQ(t.snapshots[0].position(), 2u);
  EXPECT_EQ(t.snapshots[0].mark(), "race.begin");
  ASSERT_TRUE(t.footer);
  EXPECT_EQ(t.footer->result(), "lost_write");
  EXPECT_EQ(t.footer->exit_code(), 3);
  EXPECT_EQ(t.footer->records(), 3u);
}

TEST(TraceReaderTest, WithoutAFooterEveryRecordIsReadAndTheTraceIsTruncated) {
  TempPath p("nofooter.pb");
  write_sample(p.str(), false);
  TraceFile t = read_trace(p.path());
  EXPECT_TRUE(t.truncated);
  EXPECT_FALSE(t.footer);
  EXPECT_EQ(t.records.size(), 3u);
  EXPECT_EQ(t.snapshots.size(), 1u);
  EXPECT_NE(t.problem.find("no footer"), std::string::npos) << t.problem;
}

// Every length from the end of the header to the whole file: the reader
// keeps exactly the items that are complete, never throws, and says so.
TEST(TraceReaderTest, AFileCutAtAnyByteReadsBackUpToItsLastCompleteItem) {
  TempPath whole("whole.pb");
  write_sample(whole.str(), true);
  const std::string bytes = file_bytes(whole.path());

  // Item boundaries, from the framing itself.
  std::vector<std::size_t> ends;
  std::size_t pos = kTraceMagic.size();
  while (pos < bytes.size()) {
    std::uint64_t len = 0;
    unsigned shift = 0;
    std::uint8_t byte = 0;
    do {
      byte = static_cast<std::uint8_t>(bytes[pos++]);
      len |= std::uint64_t{byte & 0x7fu} << shift;
      shift += 7;
    } while (byte & 0x80);
    pos += len;
    ends.push_back(pos);
  }
  ASSERT_EQ(ends.size(), 6u);  // header, 2 records, snapshot, record, footer
  ASSERT_EQ(ends.back(), bytes.size());

  TempPath cut("cut.pb");
  for (std::size_t size = ends[0]; size < bytes.size(); ++size) {
    write_bytes(cut.path(), bytes.substr(0, size));
    TraceFile t;
    ASSERT_NO_THROW(t = read_trace(cut.path())) << "cut at " << size;
    std::size_t complete = 0;
    while (complete + 1 < ends.size() && ends[complete + 1] <= size) ++complete;
    // Items 1, 2 and 4 are records, 3 the snapshot.
    const std::size_t records = (complete >= 1) + (complete >= 2) + (complete >= 4);
    EXPECT_EQ(t.records.size(), records) << "cut at " << size;
    EXPECT_EQ(t.snapshots.size(), complete >= 3 ? 1u : 0u) << "cut at " << size;
    EXPECT_TRUE(t.truncated) << "cut at " << size;
    EXPECT_FALSE(t.footer) << "cut at " << size;
    EXPECT_FALSE(t.problem.empty()) << "cut at " << size;
    const bool mid_item = std::find(ends.begin(), ends.end(), size) == ends.end();
    EXPECT_EQ(t.problem.find("cut short") != std::string::npos, mid_item)
        << "cut at " << size << ": " << t.problem;
  }
}

TEST(TraceReaderTest, AFileThatIsNotATraceIsRejectedWithItsName) {
  TempPath p("text.pb");
  write_bytes(p.path(), "name: \"smoke\"\nvcpus: 2\n");
  try {
    (void)read_trace(p.path());
    FAIL() << "no exception";
  } catch (const TraceError& e) {
    EXPECT_EQ(std::string(e.what()), p.str() + ": not a shadowtlb trace (bad magic)");
  }
}

TEST(TraceReaderTest, EmptyShortAndMissingFilesAreRejected) {
  TempPath p("short.pb");
  write_bytes(p.path(), "");
  EXPECT_THROW((void)read_trace(p.path()), TraceError);
  write_bytes(p.path(), "SHTL");
  EXPECT_THROW((void)read_trace(p.path()), TraceError);
  TempPath missing("missing.pb");
  EXPECT_THROW((void)read_trace(missing.path()), TraceError);
}

TEST(TraceReaderTest, AVersionWeDoNotKnowIsABadMagic) {
  TempPath p("v2.pb");
  std::string bytes(kTraceMagic);
  bytes.back() = '\x02';
  write_bytes(p.path(), bytes);
  EXPECT_THROW((void)read_trace(p.path()), TraceError);
}

TEST(TraceReaderTest, AFileWhoseFirstItemIsNotAHeaderHasNoHeader) {
  TempPath p("noheader.pb");
  proto::TraceItem item;
  *item.mutable_record() = test::mark("x", 0);
  std::string bytes(kTraceMagic);
  append_varint(bytes, item.ByteSizeLong());
  bytes += item.SerializeAsString();
  write_bytes(p.path(), bytes);
  try {
    (void)read_trace(p.path());
    FAIL() << "no exception";
  } catch (const TraceError& e) {
    EXPECT_NE(std::string(e.what()).find("no header"), std::string::npos) << e.what();
  }
  write_bytes(p.path(), std::string(kTraceMagic));  // the magic alone
  EXPECT_THROW((void)read_trace(p.path()), TraceError);
}

TEST(TraceReaderTest, ADamagedLengthStopsReadingThereWithoutThrowing) {
  TempPath p("damaged.pb");
  write_sample(p.str(), true);
  std::string bytes = file_bytes(p.path());
  const std::size_t header_end = [&] {
    TempPath h("header-only.pb");
    { TraceWriter w(h.str(), header(2)); }
    return file_bytes(h.path()).size();
  }();
  // A 10-byte varint of 2^63 where the first record's length was.
  std::string damaged = bytes.substr(0, header_end) + std::string(9, '\xff') + '\x01';
  write_bytes(p.path(), damaged);
  TraceFile t = read_trace(p.path());
  EXPECT_TRUE(t.truncated);
  EXPECT_TRUE(t.records.empty());
  EXPECT_NE(t.problem.find("damaged"), std::string::npos) << t.problem;
}

}  // namespace
}  // namespace shadowtlb::trace
