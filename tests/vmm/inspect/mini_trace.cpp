// The miniature seed race, record by record, and its file.
#include "vmm/inspect/mini_trace.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>

namespace shadowtlb::test {
namespace {

constexpr std::uint64_t kPteBits = 0x67;  // P RW US A D

class Builder {
 public:
  trace::TraceFile trace;

  proto::TraceRecord& add(proto::RecordKind kind, unsigned vcpu, bool model = true) {
    proto::TraceRecord& r = trace.records.emplace_back();
    r.set_kind(kind);
    r.set_vcpu(vcpu);
    if (model) r.set_seq(++seq_);
    r.set_host_time_ns(1000 * trace.records.size());
    return r;
  }
  void mark(unsigned vcpu, const std::string& name, std::uint64_t value = 0) {
    proto::TraceRecord& r = add(proto::MARK, vcpu, false);
    r.set_mark(name);
    r.set_new_value(value);
  }
  [[nodiscard]] std::uint64_t seq() const { return seq_; }

 private:
  std::uint64_t seq_ = 0;
};

proto::TlbEntryRecord entry_x(std::uint64_t filled_at, std::uint64_t stale_since = 0) {
  proto::TlbEntryRecord e;
  e.set_va(kMiniX);
  e.set_page_size(4096);
  e.set_frame(kMiniFrame);
  e.set_writable(true);
  e.set_user(true);
  e.set_dirty(true);
  e.set_filled_at(filled_at);
  e.set_pte_address(kMiniPteX);
  e.set_pte_value(kMiniFrame | kPteBits);
  e.set_stale(stale_since != 0);
  e.set_stale_since(stale_since);
  return e;
}

void instruction(proto::TraceRecord& r, std::uint64_t rip, const std::string& text) {
  r.set_rip(rip);
  r.set_disassembly(text);
}

}  // namespace

trace::TraceFile mini_seed_trace() {
  Builder b;
  proto::TraceHeader& h = b.trace.header;
  h.set_tool_version("0.1.0-test");
  h.set_image("mremap-race");
  h.set_vcpus(2);
  h.set_mem_bytes(64ull << 20);
  h.set_cmdline("mremap_flush=after-unlock");
  h.set_tlb_mode("architectural");
  h.set_enforce("none");
  h.set_schedule_mode("controlled");

  b.add(proto::CR3_LOAD, 0).set_gpa(0x7e0000);  // 0
  b.add(proto::CR3_LOAD, 1).set_gpa(0x7e0000);  // 1
  b.mark(0, "race.begin");                      // 2
  {
    proto::TraceRecord& r = b.add(proto::TLB_FILL, 0);  // 3: write 1 to X caches a dirty entry
    r.set_gva(kMiniX);
    r.set_gpa(kMiniFrame);
    r.set_frame(kMiniFrame);
    *r.mutable_entry() = entry_x(r.seq());
    instruction(r, 0x401200, "mov dword ptr [rax], 1");
  }
  const std::uint64_t fill = b.seq();
  b.mark(0, "race.t1.wrote_1", 1);  // 4
  {
    proto::TraceRecord& r = b.add(proto::PTE_WRITE, 1);  // 5: move_ptes clears X's PTE
    r.set_gpa(kMiniPteX);
    r.set_old_value(kMiniFrame | kPteBits);
    r.set_new_value(0);
    instruction(r, kMiniPteRip, "xchg qword ptr [rsi], rax");
  }
  const std::uint64_t move = b.seq();
  {
    proto::TraceRecord& r = b.add(proto::STALE, 0);  // 6
    r.set_initiator(1);
    r.set_gva(kMiniX);
    r.set_gpa(kMiniFrame);
    r.set_frame(kMiniFrame);
    r.set_cause(move);
    *r.mutable_entry() = entry_x(fill, move);
    instruction(r, kMiniPteRip, "xchg qword ptr [rsi], rax");
  }
  {
    proto::TraceRecord& r = b.add(proto::PTE_WRITE, 1);  // 7: ... and sets Y's
    r.set_gpa(kMiniPteY);
    r.set_new_value(kMiniFrame | kPteBits);
    instruction(r, 0xffffffff80023460, "mov qword ptr [rdx], rax");
  }
  b.mark(1, "move_ptes.unlock");  // 8
  {
    proto::TraceRecord& r = b.add(proto::STALE_WRITE, 0);  // 9: the write of 2
    r.set_gva(kMiniX);
    r.set_gpa(kMiniFrame);
    r.set_frame(kMiniFrame);
    r.set_old_value(1);
    r.set_new_value(2);
    r.set_cause(move);
    *r.mutable_entry() = entry_x(fill, move);
    instruction(r, kMiniWriteRip, "mov dword ptr [rax], 2");
  }
  const std::uint64_t write = b.seq();
  {
    proto::TraceRecord& r = b.add(proto::HAZARD, 0);  // 10
    r.set_hazard_kind("stale_write");
    r.set_gva(kMiniX);
    r.set_gpa(kMiniFrame);
    r.set_frame(kMiniFrame);
    r.set_cause(write);
    r.set_write_event(write);
    r.set_stale_since(move);
    r.set_stale_by_vcpu(1);
    r.set_stale_by_rip(kMiniPteRip);
    *r.mutable_entry() = entry_x(fill, move);
    instruction(r, kMiniWriteRip, "mov dword ptr [rax], 2");
  }
  b.mark(0, "race.t1.wrote_2", 2);       // 11
  b.mark(1, "flush_tlb", kMiniX);        // 12
  {
    proto::TraceRecord& r = b.add(proto::FLUSH_LOCAL, 1);  // 13
    r.set_gva(kMiniX);
    r.set_npages(1);
  }
  {
    proto::TraceRecord& r = b.add(proto::FLUSH_REMOTE, 0);  // 14: the late flush
    r.set_initiator(1);
    r.set_gva(kMiniX);
    r.set_npages(1);
  }
  const std::uint64_t removed = b.seq();
  {
    proto::TraceRecord& r = b.add(proto::HAZARD, 0);  // 15
    r.set_hazard_kind("lost_dirty_bit");
    r.set_gva(kMiniX);
    r.set_frame(kMiniFrame);
    r.set_cause(removed);
    r.set_write_event(write);
    r.set_removed_at(removed);
    r.set_stale_since(move);
    r.set_stale_by_vcpu(1);
    r.set_stale_by_rip(kMiniPteRip);
    *r.mutable_entry() = entry_x(fill, move);
  }
  {
    proto::TraceRecord& r = b.add(proto::SHOOTDOWN_ACK, 1, false);  // 16
    r.set_initiator(1);
    r.set_gva(kMiniX);
    r.set_npages(1);
  }
  b.mark(1, "flush_tlb.done", kMiniX);  // 17

  proto::TraceFooter f;
  f.set_result("lost_write");
  f.set_exit_code(3);
  f.set_verdict("lost_write");
  f.set_verdict_reason("the write of 2 did not fault, yet 1 was read back");
  f.add_explanation("the write:     vCPU 0 wrote to 0x100000000000 ...  [event 7]");
  f.set_records(b.trace.records.size());
  b.trace.footer = f;
  return b.trace;
}

void write_mini_trace(const std::filesystem::path& path, const trace::TraceFile& trace,
                      bool with_footer, std::size_t cut_bytes) {
  std::string bytes("SHTLBTR\x01", 8);
  auto put = [&](const proto::TraceItem& item) {
    const std::string message = item.SerializeAsString();
    for (std::uint64_t n = message.size();; n >>= 7) {
      if (n < 0x80) {
        bytes.push_back(static_cast<char>(n));
        break;
      }
      bytes.push_back(static_cast<char>((n & 0x7f) | 0x80));
    }
    bytes += message;
  };
  proto::TraceItem item;
  *item.mutable_header() = trace.header;
  put(item);
  std::size_t next_snapshot = 0;
  for (std::size_t i = 0; i <= trace.records.size(); ++i) {
    while (next_snapshot < trace.snapshots.size() && trace.snapshots[next_snapshot].position() == i) {
      *item.mutable_snapshot() = trace.snapshots[next_snapshot++];
      put(item);
    }
    if (i == trace.records.size()) break;
    *item.mutable_record() = trace.records[i];
    put(item);
  }
  if (with_footer && trace.footer) {
    *item.mutable_footer() = *trace.footer;
    put(item);
  }
  bytes.resize(bytes.size() - std::min(cut_bytes, bytes.size()));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace shadowtlb::test
