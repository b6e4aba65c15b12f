// The seed race, record by record, as the trace writer would write it (docs/trace.md).
#include "vmm/report/seed_trace.h"

#include <fstream>
#include <stdexcept>
#include <string>

namespace shadowtlb::test {
namespace {

constexpr std::uint64_t kFrameA = 0x2345000;      // the file page's frame
constexpr std::uint64_t kPteX = 0x7f1000;          // the PTE mapping X
constexpr std::uint64_t kPteY = 0x7f3000;          // the PTE mapping Y
constexpr std::uint64_t kRoot = 0x7e0000;
constexpr std::uint64_t kPteBits = 0x67;           // P RW US A D
constexpr std::uint64_t kCleanBits = 0x25;         // P US A: cleaned, write-protected
constexpr std::uint64_t kFlushAll = ~0ull;

class Builder {
 public:
  std::vector<proto::TraceItem> items;

  proto::TraceRecord& record(proto::RecordKind kind, unsigned vcpu, bool model = true) {
    proto::TraceItem& item = items.emplace_back();
    proto::TraceRecord& r = *item.mutable_record();
    r.set_kind(kind);
    r.set_vcpu(vcpu);
    if (model) r.set_seq(++seq_);
    r.set_host_time_ns(1000 * ++records_);
    return r;
  }
  std::uint64_t seq() const { return seq_; }
  std::uint64_t records() const { return records_; }

 private:
  std::uint64_t seq_ = 0;
  std::uint64_t records_ = 0;
};

proto::TlbEntryRecord entry_x(std::uint64_t filled_at) {
  proto::TlbEntryRecord e;
  e.set_va(kSeedX);
  e.set_page_size(0x1000);
  e.set_frame(kFrameA);
  e.set_writable(true);
  e.set_user(true);
  e.set_dirty(true);
  e.set_filled_at(filled_at);
  e.set_pte_address(kPteX);
  e.set_pte_value(kFrameA | kPteBits);
  return e;
}

void mark(Builder& b, unsigned vcpu, const std::string& name, std::uint64_t value = 0) {
  proto::TraceRecord& r = b.record(proto::MARK, vcpu, false);
  r.set_mark(name);
  r.set_new_value(value);
}

}  // namespace

std::vector<proto::TraceItem> seed_trace_items() {
  Builder b;
  proto::TraceItem header_item;
  proto::TraceHeader& h = *header_item.mutable_header();
  h.set_tool_version("0.6.0-test");
  h.set_image("mremap-race");
  h.set_vcpus(2);
  h.set_mem_bytes(64ull << 20);
  h.set_cmdline("race.fadvise_cpu=0 mremap_flush=after-unlock");
  h.set_tlb_mode("architectural");
  h.set_tlb_evict("lru");
  h.set_enforce("none");
  h.set_schedule_mode("controlled");
  h.set_seed(1);
  h.set_start_unix_ns(1764100000000000000ull);
  for (const char* arg : {"shadowtlb", "run", "mremap-race", "--cmdline", "mremap_flush=after-unlock",
                          "--trace", "t.pb"})
    h.add_argv(arg);
  b.items.push_back(header_item);

  b.record(proto::CR3_LOAD, 0).set_gpa(kRoot);                                    // 0
  b.record(proto::CR3_LOAD, 1).set_gpa(kRoot);                                    // 1
  mark(b, 0, "race.begin");                                                       // 2
  {
    proto::TraceRecord& r = b.record(proto::GUEST_FAULT, 0);                      // 3
    r.set_gva(kSeedX);
    r.set_gpa(kPteX);
    r.set_new_value(0x6);
  }
  {
    proto::TraceRecord& r = b.record(proto::PTE_WRITE, 0);                        // 4
    r.set_gpa(kPteX);
    r.set_new_value(kFrameA | kPteBits);
    r.set_rip(0xffffffff80012340);
    r.set_insn_bytes(std::string("\x48\x89\x07", 3));
    r.set_disassembly("mov qword ptr [rdi], rax");
  }
  const std::uint64_t fill = b.seq() + 1;
  b.record(proto::TLB_FILL, 0).mutable_entry()->CopyFrom(entry_x(fill));          // 5
  b.items.back().mutable_record()->set_gva(kSeedX);
  mark(b, 0, "race.t1.wrote_1", 1);                                               // 6

  // A snapshot at the mark: vCPU 0 holds X, vCPU 1 nothing.
  {
    proto::TraceItem item;
    proto::TlbSnapshot& s = *item.mutable_snapshot();
    s.set_after_seq(b.seq());
    s.set_position(b.records());
    s.set_mark("race.t1.wrote_1");
    s.set_vcpu(0);
    s.set_value(1);
    proto::VcpuTlb& v0 = *s.add_tlbs();
    v0.set_vcpu(0);
    v0.set_guest_root(kRoot);
    v0.add_entries()->CopyFrom(entry_x(fill));
    proto::VcpuTlb& v1 = *s.add_tlbs();
    v1.set_vcpu(1);
    v1.set_guest_root(kRoot);
    b.items.push_back(item);
  }

  std::uint64_t move = 0;
  {
    proto::TraceRecord& r = b.record(proto::PTE_WRITE, 1);                        // 7: move_ptes clears X
    move = r.seq();
    r.set_gpa(kPteX);
    r.set_old_value(kFrameA | kPteBits);
    r.set_rip(0xffffffff80023450);
    r.set_insn_bytes(std::string("\x48\x87\x06", 3));
    r.set_disassembly("xchg qword ptr [rsi], rax");
  }
  {
    proto::TraceRecord& r = b.record(proto::STALE, 0);                            // 8
    r.set_initiator(1);
    r.set_gva(kSeedX);
    r.set_gpa(kFrameA);
    r.set_cause(move);
    proto::TlbEntryRecord e = entry_x(fill);
    e.set_stale(true);
    e.set_stale_since(move);
    r.mutable_entry()->CopyFrom(e);
  }
  {
    proto::TraceRecord& r = b.record(proto::PTE_WRITE, 1);                        // 9: ... and sets Y
    r.set_gpa(kPteY);
    r.set_new_value(kFrameA | kPteBits);
    r.set_rip(0xffffffff80023460);
    r.set_disassembly("mov qword ptr [rdx], rax");
  }
  mark(b, 1, "move_ptes.unlock");                                                 // 10
  {
    proto::TraceRecord& r = b.record(proto::PTE_READ, 0);                         // 11: page_mkclean
    r.set_gpa(kPteY);
    r.set_old_value(kFrameA | kPteBits);
  }
  {
    proto::TraceRecord& r = b.record(proto::PTE_WRITE, 0);                        // 12
    r.set_gpa(kPteY);
    r.set_old_value(kFrameA | kPteBits);
    r.set_new_value(kFrameA | kCleanBits);
    r.set_rip(0xffffffff80034560);
    r.set_disassembly("lock cmpxchg qword ptr [rdi], rdx");
  }
  {
    proto::TraceRecord& r = b.record(proto::FLUSH_LOCAL, 0);                      // 13: flushes Y only
    r.set_gva(kSeedY);
    r.set_npages(1);
  }
  {
    proto::TraceRecord& r = b.record(proto::FLUSH_REMOTE, 1);                     // 14
    r.set_initiator(0);
    r.set_gva(kSeedY);
    r.set_npages(1);
  }
  b.record(proto::SHOOTDOWN_ACK, 0, false).set_initiator(0);                      // 15
  {
    proto::TraceRecord& r = b.record(proto::HYPERCALL, 0, false);                 // 16
    r.set_hypercall("HC_BLK_WRITE");
    r.add_args(0);
    r.add_args(1);
  }
  std::uint64_t write = 0;
  {
    proto::TraceRecord& r = b.record(proto::STALE_WRITE, 0);                      // 17: the write of 2
    write = r.seq();
    r.set_gva(kSeedX);
    r.set_gpa(kFrameA);
    r.set_frame(kFrameA);
    r.set_rip(0x401234);
    r.set_insn_bytes(std::string("\xc7\x00\x02\x00\x00\x00", 6));
    r.set_disassembly("mov dword ptr [rax], 2");
    proto::TlbEntryRecord e = entry_x(fill);
    e.set_stale(true);
    e.set_stale_since(move);
    r.mutable_entry()->CopyFrom(e);
  }
  {
    proto::TraceRecord& r = b.record(proto::HAZARD, 0);                           // 18 = kSeedFirstHazard
    r.set_hazard_kind("stale_write");
    r.set_gva(kSeedX);
    r.set_frame(kFrameA);
    r.set_rip(0x401234);
    r.set_disassembly("mov dword ptr [rax], 2");
    r.set_write_event(write);
    r.set_stale_since(move);
    r.set_stale_by_vcpu(1);
    r.set_stale_by_rip(0xffffffff80023450);
    proto::TlbEntryRecord e = entry_x(fill);
    e.set_stale(true);
    e.set_stale_since(move);
    r.mutable_entry()->CopyFrom(e);
  }
  mark(b, 0, "race.t1.wrote_2", 2);                                               // 19
  {
    proto::TraceRecord& r = b.record(proto::FLUSH_LOCAL, 1);                      // 20: the late flush for X
    r.set_gva(kSeedX);
    r.set_npages(1);
  }
  std::uint64_t removed = 0;
  {
    proto::TraceRecord& r = b.record(proto::FLUSH_REMOTE, 0);                     // 21: takes X from vCPU 0
    removed = r.seq();
    r.set_initiator(1);
    r.set_gva(kSeedX);
    r.set_npages(1);
  }
  {
    proto::TraceRecord& r = b.record(proto::HAZARD, 0);                           // 22
    r.set_hazard_kind("lost_dirty_bit");
    r.set_gva(kSeedX);
    r.set_frame(kFrameA);
    r.set_write_event(write);
    r.set_removed_at(removed);
    r.set_stale_since(move);
    r.set_stale_by_vcpu(1);
  }
  b.record(proto::CR3_LOAD, 1).set_gpa(kRoot);                                    // 23
  b.record(proto::FLUSH_LOCAL, 0).set_npages(kFlushAll);                          // 24
  mark(b, 0, "race.t1.done");                                                     // 25

  proto::TraceItem footer_item;
  proto::TraceFooter& f = *footer_item.mutable_footer();
  f.set_result("lost_write");
  f.set_exit_code(3);
  f.set_verdict("lost_write");
  f.set_verdict_reason("the write of 2 did not fault, yet 1 was read back");
  f.add_explanation("the write:     vCPU 0 wrote to 0x100000000000 (frame 0x2345000) through a stale "
                    "writable, dirty entry at rip 0x401234: mov dword ptr [rax], 2  [event 15]");
  f.add_explanation("the entry:     cached by vCPU 0 at event 4; the guest page tables no longer map "
                    "0x100000000000 to that frame");
  f.add_explanation("made stale by: vCPU 1's page-table write to the paging entry at 0x7f1000, rip "
                    "0xffffffff80023450: xchg qword ptr [rsi], rax  [event 6]");
  f.add_explanation("too late:      the entry left vCPU 0's TLB only at event 19, after the write </script>");
  f.set_records(b.records());
  f.set_wall_ns(210000000);
  b.items.push_back(footer_item);
  return b.items;
}

trace::TraceFile seed_trace_file() {
  trace::TraceFile file;
  for (const proto::TraceItem& item : seed_trace_items()) {
    if (item.has_header()) file.header = item.header();
    if (item.has_record()) file.records.push_back(item.record());
    if (item.has_snapshot()) file.snapshots.push_back(item.snapshot());
    if (item.has_footer()) file.footer = item.footer();
  }
  return file;
}

void write_trace_file(const std::filesystem::path& path, const std::vector<proto::TraceItem>& items) {
  std::string bytes("SHTLBTR\x01", 8);
  for (const proto::TraceItem& item : items) {
    const std::string message = item.SerializeAsString();
    for (std::uint64_t n = message.size(); ; n >>= 7) {
      if (n < 0x80) {
        bytes.push_back(static_cast<char>(n));
        break;
      }
      bytes.push_back(static_cast<char>((n & 0x7f) | 0x80));
    }
    bytes += message;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace shadowtlb::test
