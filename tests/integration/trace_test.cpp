// Issue 6's trace, end to end: `shadowtlb run --trace` on the seed race, TLB
// snapshots and reconstruction checked against the model, and traces whose
// writer was interrupted (Ctrl-C), killed (SIGKILL) or ran out of space.
#include <gtest/gtest.h>
#include <google/protobuf/util/message_differencer.h>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/kvm_available.h"
#include "vmm/cli/subprocess.h"
#include "vmm/trace/trace_reader.h"

namespace shadowtlb {
namespace {

using test::run_process;
using test::shadowtlb_binary;
using trace::TraceFile;

constexpr std::uint64_t kX = 0x100000000000;  // the race images' X (docs/races.md)

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("shadowtlb-trace-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

std::vector<std::string> seed_run(const std::string& trace_path) {
  return {"run", "mremap-race", "--cmdline", "mremap_flush=after-unlock", "--trace", trace_path};
}

const proto::TraceRecord* first_of(const TraceFile& t, proto::RecordKind kind) {
  for (const proto::TraceRecord& r : t.records)
    if (r.kind() == kind) return &r;
  return nullptr;
}

const proto::TlbEntryRecord* entry_for(const std::vector<proto::TlbEntryRecord>& tlb, std::uint64_t va) {
  for (const proto::TlbEntryRecord& e : tlb)
    if (va >= e.va() && va - e.va() < e.page_size()) return &e;
  return nullptr;
}

// The seed scenario, traced once for the whole suite.
class SeedTraceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::access("/dev/kvm", R_OK | W_OK) != 0) return;
    path_ = temp_path("seed.pb");
    std::vector<std::string> args = seed_run(path_);
    for (const char* mark : {"race.t1.wrote_1", "move_ptes.unlock", "race.t1.fadvised",
                             "race.t1.wrote_2", "race.t2.done"}) {
      args.push_back("--snapshot-at");
      args.push_back(mark);
    }
    run_ = new test::ProcessResult(run_process(shadowtlb_binary(), args));
  }
  static void TearDownTestSuite() {
    delete run_;
    run_ = nullptr;
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  void SetUp() override {
    SHADOWTLB_REQUIRE_KVM();
    ASSERT_NE(run_, nullptr);
    ASSERT_EQ(run_->exit_code, 3) << run_->err;
    trace_ = trace::read_trace(path_);
  }

  static std::string path_;
  static test::ProcessResult* run_;
  TraceFile trace_;
};
std::string SeedTraceTest::path_;
test::ProcessResult* SeedTraceTest::run_ = nullptr;

TEST_F(SeedTraceTest, HeaderAndFooterDescribeTheRun) {
  EXPECT_FALSE(trace_.truncated) << trace_.problem;
  EXPECT_EQ(trace_.problem, "");
  EXPECT_EQ(trace_.header.image(), "mremap-race");
  EXPECT_EQ(trace_.header.vcpus(), 2u);
  EXPECT_EQ(trace_.header.tlb_mode(), "architectural");
  EXPECT_EQ(trace_.header.schedule_mode(), "controlled");
  EXPECT_TRUE(contains(trace_.header.cmdline(), "mremap_flush=after-unlock"));
  EXPECT_FALSE(trace_.header.tool_version().empty());
  ASSERT_GE(trace_.header.argv_size(), 2);
  EXPECT_EQ(trace_.header.argv(1), "run");
  ASSERT_TRUE(trace_.footer);
  EXPECT_EQ(trace_.footer->result(), "lost_write");
  EXPECT_EQ(trace_.footer->exit_code(), 3);
  EXPECT_EQ(trace_.footer->verdict(), "lost_write");
  EXPECT_FALSE(trace_.footer->verdict_reason().empty());
  ASSERT_GE(trace_.footer->explanation_size(), 3);
  EXPECT_TRUE(contains(trace_.footer->explanation(0), "lost_write")) << trace_.footer->explanation(0);
  EXPECT_TRUE(contains(trace_.footer->explanation(1), "wrote to 0x100000000000"))
      << trace_.footer->explanation(1);
  EXPECT_EQ(trace_.footer->records(), trace_.records.size());
  EXPECT_FALSE(trace_.footer->interrupted());
  EXPECT_GT(trace_.footer->wall_ns(), 0u);
  EXPECT_TRUE(contains(run_->err, "shadowtlb: trace " + path_ + ": ")) << run_->err;
}

TEST_F(SeedTraceTest, TheStaleWriteAndItsHazardsAreRecordedWithTheirInstructions) {
  const proto::TraceRecord* write = first_of(trace_, proto::STALE_WRITE);
  ASSERT_NE(write, nullptr);
  EXPECT_EQ(write->vcpu(), 0u);
  EXPECT_EQ(write->gva() & ~0xfffull, kX);
  ASSERT_TRUE(write->has_entry());
  EXPECT_TRUE(write->entry().stale());
  EXPECT_TRUE(write->entry().dirty());
  EXPECT_NE(write->rip(), 0u);
  EXPECT_FALSE(write->insn_bytes().empty());
  EXPECT_TRUE(contains(write->disassembly(), "mov")) << write->disassembly();

  bool stale_write_hazard = false, lost_dirty_bit = false;
  for (const proto::TraceRecord& r : trace_.records) {
    if (r.kind() != proto::HAZARD) continue;
    EXPECT_NE(r.seq(), 0u);
    if (r.hazard_kind() == "stale_write") {
      stale_write_hazard = true;
      EXPECT_EQ(r.write_event(), write->seq());
      EXPECT_EQ(r.stale_by_vcpu(), 1u);
      EXPECT_NE(r.stale_since(), 0u);
      // The page-table write that made the entry stale is in the trace, with its instruction.
      std::optional<std::size_t> pte_write = trace::index_of_seq(trace_, r.stale_since());
      ASSERT_TRUE(pte_write);
      EXPECT_EQ(trace_.records[*pte_write].kind(), proto::PTE_WRITE);
      EXPECT_FALSE(trace_.records[*pte_write].disassembly().empty());
    }
    if (r.hazard_kind() == "lost_dirty_bit") {
      lost_dirty_bit = true;
      EXPECT_NE(r.removed_at(), 0u) << "settled by the late flush";
      std::optional<std::size_t> flush = trace::index_of_seq(trace_, r.removed_at());
      ASSERT_TRUE(flush);
      const proto::RecordKind kind = trace_.records[*flush].kind();
      EXPECT_TRUE(kind == proto::FLUSH_REMOTE || kind == proto::FLUSH_LOCAL) << kind;
    }
  }
  EXPECT_TRUE(stale_write_hazard);
  EXPECT_TRUE(lost_dirty_bit);
}

// The seed's page: PG_dirty set by the first write's fault, cleared when
// fadvise's writeback starts, and not set again before the stale write: so
// nothing records that write, and the lost dirty bit stands.
TEST_F(SeedTraceTest, PgDirtyIsClearedByWritebackBeforeTheStaleWrite) {
  std::optional<std::size_t> stale_write;
  for (std::size_t i = 0; i < trace_.records.size() && !stale_write; ++i)
    if (trace_.records[i].kind() == proto::STALE_WRITE) stale_write = i;
  ASSERT_TRUE(stale_write);
  const std::uint64_t frame = trace_.records[*stale_write].gpa() & ~0xfffull;
  // PG_dirty of that frame from the scenario's start (the file's first
  // pwrite and writeback come before it) to the stale write.
  std::vector<std::uint64_t> changes;
  bool begun = false;
  for (std::size_t i = 0; i < *stale_write; ++i) {
    const proto::TraceRecord& r = trace_.records[i];
    begun |= r.kind() == proto::MARK && r.mark() == "race.begin";
    if (begun && r.kind() == proto::PAGE_DIRTY && r.frame() <= frame &&
        frame < r.frame() + r.npages() * 4096)
      changes.push_back(r.new_value());
  }
  EXPECT_EQ(changes, (std::vector<std::uint64_t>{1, 0}));
  const proto::TraceRecord* lost = nullptr;
  for (const proto::TraceRecord& r : trace_.records)
    if (r.kind() == proto::HAZARD && r.hazard_kind() == "lost_dirty_bit") lost = &r;
  ASSERT_NE(lost, nullptr);
}

// A page-table write exit arrives with RIP past the store; the record must
// name the store itself, not the instruction after it.
TEST_F(SeedTraceTest, EveryPteWriteNamesTheStoreThatWroteTheEntry) {
  unsigned writes = 0;
  for (const proto::TraceRecord& r : trace_.records) {
    if (r.kind() != proto::PTE_WRITE) continue;
    ++writes;
    std::string text = r.disassembly();
    if (text.starts_with("lock ")) text.erase(0, 5);
    const std::string mnemonic = text.substr(0, text.find(' '));
    const std::string destination = text.substr(mnemonic.size() + 1);
    EXPECT_TRUE(mnemonic == "mov" || mnemonic == "xchg" || mnemonic == "cmpxchg" || mnemonic == "and" ||
                mnemonic == "or")
        << "record seq " << r.seq() << ": " << r.disassembly();
    EXPECT_TRUE(destination.starts_with("qword ptr [")) << "record seq " << r.seq() << ": " << r.disassembly();
  }
  EXPECT_GT(writes, 10u);
}

// Flushes and CR3 loads are hypercalls, whose exits report RIP past the `out`.
TEST_F(SeedTraceTest, FlushesAndCr3LoadsNameTheirHypercallInstruction) {
  unsigned calls = 0;
  for (const proto::TraceRecord& r : trace_.records) {
    if (r.kind() != proto::FLUSH_LOCAL && r.kind() != proto::CR3_LOAD) continue;
    ++calls;
    EXPECT_EQ(r.disassembly(), "out 0xe0, eax") << "record seq " << r.seq();
    EXPECT_EQ(r.insn_bytes(), std::string("\xe7\xe0")) << "record seq " << r.seq();
  }
  EXPECT_GT(calls, 2u);
}

TEST_F(SeedTraceTest, MarksHypercallsAndShootdownAcksAreRecorded) {
  std::vector<std::string> marks;
  for (const proto::TraceRecord& r : trace_.records)
    if (r.kind() == proto::MARK) marks.push_back(r.mark());
  for (const char* want : {"race.begin", "race.t1.wrote_1", "move_ptes.unlock", "race.t1.fadvised",
                           "race.t1.wrote_2", "race.t2.done", "race.t1.done"})
    EXPECT_NE(std::find(marks.begin(), marks.end(), want), marks.end()) << want;

  const proto::TraceRecord* hc = nullptr;
  for (const proto::TraceRecord& r : trace_.records)
    if (r.kind() == proto::HYPERCALL && r.hypercall() == "HC_MMU_SHOOTDOWN") hc = &r;
  ASSERT_NE(hc, nullptr);
  EXPECT_EQ(hc->seq(), 0u);
  EXPECT_EQ(hc->args_size(), 1);
  const proto::TraceRecord* ack = first_of(trace_, proto::SHOOTDOWN_ACK);
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->args_size(), 4);  // the vCPU mask
  EXPECT_NE(first_of(trace_, proto::FLUSH_REMOTE), nullptr);
  EXPECT_NE(first_of(trace_, proto::TLB_FILL), nullptr);
  EXPECT_NE(first_of(trace_, proto::PTE_WRITE), nullptr);
  EXPECT_NE(first_of(trace_, proto::CR3_LOAD), nullptr);

  // Model records are in event order, numbered without gaps.
  std::uint64_t last = 0;
  for (const proto::TraceRecord& r : trace_.records) {
    if (r.seq() == 0) continue;
    EXPECT_EQ(r.seq(), last + 1);
    last = r.seq();
  }
}

TEST_F(SeedTraceTest, AtFadvisedVcpuZeroStillHoldsXsEntry) {
  const proto::TlbSnapshot* fadvised = nullptr;
  for (const proto::TlbSnapshot& s : trace_.snapshots)
    if (s.mark() == "race.t1.fadvised") fadvised = &s;
  ASSERT_NE(fadvised, nullptr);
  EXPECT_EQ(fadvised->vcpu(), 0u);
  ASSERT_EQ(fadvised->tlbs_size(), 2);
  EXPECT_EQ(fadvised->tlbs(0).vcpu(), 0u);
  const proto::TlbEntryRecord* x = nullptr;
  for (const proto::TlbEntryRecord& e : fadvised->tlbs(0).entries())
    if (e.va() == kX) x = &e;
  ASSERT_NE(x, nullptr) << "vCPU 0's TLB at race.t1.fadvised has no entry for X";
  EXPECT_TRUE(x->dirty());
  EXPECT_TRUE(x->stale()) << "mremap moved X's PTE: the guest tables no longer map X there";
}

TEST_F(SeedTraceTest, AtTheStaleWriteTheReconstructedTlbHoldsTheStaleEntry) {
  std::size_t index = 0;
  while (index < trace_.records.size() && trace_.records[index].kind() != proto::STALE_WRITE) ++index;
  ASSERT_LT(index, trace_.records.size());
  auto tlbs = trace::tlbs_at(trace_, index);
  ASSERT_EQ(tlbs.size(), 2u);
  const proto::TlbEntryRecord* x = entry_for(tlbs[0], kX);
  ASSERT_NE(x, nullptr);
  EXPECT_TRUE(x->stale());
  EXPECT_TRUE(x->dirty());
  EXPECT_EQ(x->frame(), trace_.records[index].frame());

  // ... and without the snapshots, from the records alone, the same.
  TraceFile bare = trace_;
  bare.snapshots.clear();
  auto rebuilt = trace::tlbs_at(bare, index);
  const proto::TlbEntryRecord* y = entry_for(rebuilt[0], kX);
  ASSERT_NE(y, nullptr);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*x, *y));

  // After the late flush X is gone from vCPU 0.
  const proto::TraceRecord* hazard = nullptr;
  for (const proto::TraceRecord& r : trace_.records)
    if (r.kind() == proto::HAZARD && r.hazard_kind() == "lost_dirty_bit") hazard = &r;
  ASSERT_NE(hazard, nullptr);
  std::optional<std::size_t> flush = trace::index_of_seq(trace_, hazard->removed_at());
  ASSERT_TRUE(flush);
  EXPECT_EQ(entry_for(trace::tlbs_at(trace_, *flush)[0], kX), nullptr);
}

// Every snapshot is the model's own TLB dump; rebuilding the same point from
// the records alone must give it back entry for entry, field for field.
TEST_F(SeedTraceTest, ReconstructionFromRecordsAloneMatchesEverySnapshot) {
  ASSERT_EQ(trace_.snapshots.size(), 5u);
  TraceFile bare = trace_;
  bare.snapshots.clear();
  for (const proto::TlbSnapshot& s : trace_.snapshots) {
    std::optional<std::size_t> at = trace::index_of_seq(bare, s.after_seq());
    ASSERT_TRUE(at) << s.mark();
    EXPECT_LE(*at, s.position()) << s.mark();
    auto rebuilt = trace::tlbs_at(bare, *at);
    ASSERT_EQ(static_cast<int>(rebuilt.size()), s.tlbs_size()) << s.mark();
    for (const proto::VcpuTlb& v : s.tlbs()) {
      const auto& mine = rebuilt[v.vcpu()];
      ASSERT_EQ(static_cast<int>(mine.size()), v.entries_size()) << s.mark() << " vCPU " << v.vcpu();
      for (int i = 0; i < v.entries_size(); ++i)
        EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(mine[i], v.entries(i)))
            << s.mark() << " vCPU " << v.vcpu() << "\nrebuilt:  " << mine[i].ShortDebugString()
            << "\nsnapshot: " << v.entries(i).ShortDebugString();
    }
  }
}

// --- runs that do not end by themselves ---------------------------------------------

// A free-running run that writes records all along: the guest self-tests
// (megabytes of trace; seconds on a loaded two-core host).
std::vector<std::string> long_run(const std::string& trace_path) {
  return {"run", "selftest", "--quiet", "--timeout", "100", "--trace", trace_path};
}

struct Child {
  pid_t pid = -1;
};

// Spawns shadowtlb with stdout and stderr into `err_path`; `file_limit` > 0
// caps the size of files it writes (RLIMIT_FSIZE, with SIGXFSZ ignored).
Child spawn(const std::vector<std::string>& args, const std::string& err_path, rlim_t file_limit = 0) {
  const std::string bin = shadowtlb_binary();
  // Everything the child needs is made before fork: after it, only system calls.
  std::vector<char*> argv{const_cast<char*>(bin.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int out = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  Child c;
  c.pid = ::fork();
  if (c.pid == 0) {
    if (out < 0 || null_in < 0 || ::dup2(null_in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0)
      ::_exit(120);
    if (file_limit > 0) {
      ::signal(SIGXFSZ, SIG_IGN);
      rlimit limit{file_limit, file_limit};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ::execv(bin.c_str(), argv.data());
    ::_exit(121);
  }
  if (out >= 0) ::close(out);
  if (null_in >= 0) ::close(null_in);
  return c;
}

// The exit status as a shell shows it: the code, or 128 + the signal.
int wait_exit(const Child& c) {
  int status = 0;
  while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// Waits until the trace has grown past `bytes` (and the child still runs).
bool wait_for_growth(const Child& c, const std::string& path, std::uint64_t bytes) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (file_size(path) > bytes) return true;
    int status = 0;
    if (::waitpid(c.pid, &status, WNOHANG) == c.pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

std::string read_text(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return "";
  std::string text;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, f)) text.append(buffer, n);
  std::fclose(f);
  return text;
}

class InterruptedTraceTest : public ::testing::Test {
 protected:
  void SetUp() override { SHADOWTLB_REQUIRE_KVM(); }
  void TearDown() override {
    std::filesystem::remove(trace_path_);
    std::filesystem::remove(err_path_);
  }
  const std::string trace_path_ = temp_path(std::string(
      ::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".pb");
  const std::string err_path_ = trace_path_ + ".err";
};

TEST_F(InterruptedTraceTest, AWriterKilledWithSigkillLeavesATraceReadableToItsLastRecord) {
  Child c = spawn(long_run(trace_path_), err_path_);
  ASSERT_TRUE(wait_for_growth(c, trace_path_, 256 * 1024)) << read_text(err_path_);
  ASSERT_EQ(::kill(c.pid, SIGKILL), 0);
  EXPECT_EQ(wait_exit(c), 128 + SIGKILL);

  TraceFile t;
  ASSERT_NO_THROW(t = trace::read_trace(trace_path_));
  EXPECT_TRUE(t.truncated);
  EXPECT_FALSE(t.footer);
  EXPECT_FALSE(t.problem.empty());
  EXPECT_EQ(t.header.image(), "selftest");
  EXPECT_GT(t.records.size(), 1000u);
  // Every record read is whole: the last one too.
  const proto::TraceRecord& last = t.records.back();
  EXPECT_NE(last.kind(), proto::RECORD_UNKNOWN);
  EXPECT_NO_THROW((void)trace::tlbs_at(t, t.records.size() - 1));
}

TEST_F(InterruptedTraceTest, CtrlCStopsTheRunCleanlyAndTheFooterSaysSo) {
  Child c = spawn(long_run(trace_path_), err_path_);
  ASSERT_TRUE(wait_for_growth(c, trace_path_, 64 * 1024)) << read_text(err_path_);
  ASSERT_EQ(::kill(c.pid, SIGINT), 0);
  EXPECT_EQ(wait_exit(c), 130) << read_text(err_path_);

  TraceFile t = trace::read_trace(trace_path_);
  EXPECT_FALSE(t.truncated) << t.problem;
  ASSERT_TRUE(t.footer);
  EXPECT_TRUE(t.footer->interrupted());
  EXPECT_EQ(t.footer->result(), "interrupted");
  EXPECT_EQ(t.footer->exit_code(), 130);
  EXPECT_EQ(t.footer->records(), t.records.size());
  EXPECT_TRUE(contains(t.footer->message(), "SIGINT")) << t.footer->message();
}

TEST_F(InterruptedTraceTest, AWriteErrorMidRunStopsTracingWithOneLineAndTheRunGoesOn) {
  // The seed run's trace is about 75 KiB: cut it at 24 KiB.
  Child c = spawn(seed_run(trace_path_), err_path_, 24 * 1024);
  EXPECT_EQ(wait_exit(c), 3) << read_text(err_path_);
  const std::string err = read_text(err_path_);
  int warnings = 0;
  for (std::size_t at = err.find("trace file"); at != std::string::npos; at = err.find("trace file", at + 1))
    ++warnings;
  EXPECT_EQ(warnings, 1) << err;
  EXPECT_TRUE(contains(err, "tracing stopped")) << err;
  EXPECT_TRUE(contains(err, "mremap-race: lost_write")) << err;

  TraceFile t = trace::read_trace(trace_path_);
  EXPECT_TRUE(t.truncated);
  EXPECT_FALSE(t.footer);
  EXPECT_GT(t.records.size(), 0u);
}

// The same per-test files, for a run that finishes.
using TraceSummaryTest = InterruptedTraceTest;

TEST_F(TraceSummaryTest, TheJsonSummaryDescribesTheTraceItWrote) {
  std::vector<std::string> args = seed_run(trace_path_);
  args.push_back("--json");
  test::ProcessResult p = run_process(shadowtlb_binary(), args);
  EXPECT_EQ(p.exit_code, 3) << p.err;
  const nlohmann::json j = nlohmann::json::parse(p.out);
  ASSERT_TRUE(j.contains("trace")) << p.out;
  const TraceFile t = trace::read_trace(trace_path_);
  EXPECT_EQ(j["trace"]["path"], trace_path_);
  EXPECT_EQ(j["trace"]["records"].get<std::uint64_t>(), t.records.size());
  EXPECT_EQ(j["trace"]["snapshots"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["trace"]["bytes"].get<std::uint64_t>(), std::filesystem::file_size(trace_path_));
  EXPECT_EQ(j["trace"]["complete"], true);
}

// --- errors before the VM starts (no KVM needed) ---------------------------------------

TEST(TraceCliErrorsTest, AnUnwritableTracePathIsAHostErrorBeforeTheVmStarts) {
  test::ProcessResult p =
      run_process(shadowtlb_binary(), {"run", "smoke", "--trace", "/nonexistent-folder/t.pb"});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_EQ(test::count_lines(p.err), 1) << p.err;
  EXPECT_TRUE(contains(p.err, "shadowtlb: error: open trace file '/nonexistent-folder/t.pb'")) << p.err;
  EXPECT_TRUE(p.out.empty()) << "nothing ran: " << p.out;
}

TEST(TraceCliErrorsTest, SnapshotAtNeedsTraceAndTheModelAndTraceIsOneRun) {
  const std::string path = temp_path("unused.pb");
  test::ProcessResult no_trace =
      run_process(shadowtlb_binary(), {"run", "smoke", "--snapshot-at", "race.begin"});
  EXPECT_EQ(no_trace.exit_code, 1);
  EXPECT_TRUE(contains(no_trace.err, "--snapshot-at")) << no_trace.err;
  test::ProcessResult tlb_off = run_process(
      shadowtlb_binary(), {"run", "smoke", "--tlb", "off", "--trace", path, "--snapshot-at", "x"});
  EXPECT_EQ(tlb_off.exit_code, 1);
  EXPECT_TRUE(contains(tlb_off.err, "--tlb off")) << tlb_off.err;
  test::ProcessResult iterations = run_process(
      shadowtlb_binary(), {"run", "smoke", "--iterations", "2", "--trace", path});
  EXPECT_EQ(iterations.exit_code, 1);
  EXPECT_TRUE(contains(iterations.err, "--iterations")) << iterations.err;
  EXPECT_FALSE(std::filesystem::exists(path)) << "a rejected command line writes no trace";
}

}  // namespace
}  // namespace shadowtlb
