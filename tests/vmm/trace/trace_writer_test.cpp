// TraceWriter: one write per item from many threads, errors at open and in
// the middle of a run.
#include "vmm/trace/trace_writer.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "vmm/trace/trace_builders.h"
#include "vmm/errors.h"
#include "vmm/trace/trace_reader.h"

namespace shadowtlb::trace {
namespace {

using test::TempPath;

TEST(TraceWriterTest, ConcurrentWritersNeverInterleaveInsideAnItem) {
  TempPath p("threads.pb");
  constexpr unsigned kThreads = 4, kRecords = 2000;
  {
    TraceWriter w(p.str(), proto::TraceHeader());
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < kThreads; ++t)
      threads.emplace_back([&w, t] {
        for (unsigned i = 0; i < kRecords; ++i) {
          proto::TraceRecord r = test::mark("thread", t);
          r.set_new_value(i);
          w.write_record(std::move(r));
        }
      });
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(w.records(), kThreads * kRecords);
    w.write_footer(proto::TraceFooter());
  }
  TraceFile t = read_trace(p.path());
  EXPECT_FALSE(t.truncated) << t.problem;
  ASSERT_EQ(t.records.size(), kThreads * kRecords);
  std::vector<std::uint64_t> next(kThreads, 0);
  std::uint64_t last_time = 0;
  for (const proto::TraceRecord& r : t.records) {
    ASSERT_LT(r.vcpu(), kThreads);
    EXPECT_EQ(r.new_value(), next[r.vcpu()]++) << "each thread's records in its order";
    EXPECT_GE(r.host_time_ns(), last_time) << "host time grows in file order";
    last_time = r.host_time_ns();
  }
  EXPECT_EQ(t.footer->records(), kThreads * kRecords);
}

TEST(TraceWriterTest, NothingIsWrittenAfterTheFooter) {
  TempPath p("closed.pb");
  {
    TraceWriter w(p.str(), proto::TraceHeader());
    w.write_record(test::mark("a", 0));
    w.write_footer(proto::TraceFooter());
    w.write_record(test::mark("b", 0));
    EXPECT_EQ(w.records(), 1u);
  }
  TraceFile t = read_trace(p.path());
  EXPECT_EQ(t.records.size(), 1u);
  EXPECT_EQ(t.problem, "");
}

TEST(TraceWriterTest, APathThatCannotBeCreatedIsAHostErrorNamingIt) {
  try {
    TraceWriter w("/nonexistent-folder/t.pb", proto::TraceHeader());
    FAIL() << "no exception";
  } catch (const vmm::KvmError& e) {
    EXPECT_NE(std::string(e.what()).find("'/nonexistent-folder/t.pb'"), std::string::npos) << e.what();
    EXPECT_EQ(e.error_number(), ENOENT);
  }
}

TEST(TraceWriterTest, AFileThatCannotTakeTheHeaderIsAnErrorAtOnce) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full";
  EXPECT_THROW(TraceWriter("/dev/full", proto::TraceHeader()), vmm::KvmError);
}

// A write error mid-run (here the file size limit, as a full disk would)
// stops tracing with one line on stderr; the run goes on, the file reads back.
TEST(TraceWriterTest, AWriteErrorStopsTracingWithOneLineAndLeavesAReadableFile) {
  TempPath p("limited.pb");
  TempPath err("limited.err");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // write(2) fails with EFBIG instead of killing us
    rlimit limit{16 * 1024, 16 * 1024};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::FILE* e = std::freopen(err.str().c_str(), "w", stderr);
    if (e == nullptr) ::_exit(10);
    TraceWriter w(p.str(), proto::TraceHeader());
    for (unsigned i = 0; i < 10'000; ++i) {
      proto::TraceRecord r = test::mark("filler", 0);
      r.set_disassembly(std::string(100, 'x'));
      w.write_record(std::move(r));
    }
    w.write_footer(proto::TraceFooter());
    std::fflush(stderr);
    ::_exit(w.failed() ? 0 : 11);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << "the writer did not see its write fail";

  std::FILE* e = std::fopen(err.str().c_str(), "r");
  ASSERT_NE(e, nullptr);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), e));
  std::fclose(e);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_NE(text.find("tracing stopped"), std::string::npos) << text;

  TraceFile t = read_trace(p.path());
  EXPECT_TRUE(t.truncated);
  EXPECT_FALSE(t.footer);
  EXPECT_GT(t.records.size(), 10u);
  EXPECT_LT(t.records.size(), 10'000u);
}

}  // namespace
}  // namespace shadowtlb::trace
