// Turning a run's events into trace records as they happen.
#include "vmm/trace/run_tracer.h"

#include <algorithm>

#include "vmm/trace/event_record.h"
#include "vmm/trace/hypercall_names.h"

namespace shadowtlb::trace {
namespace {

// Dumps that raced with model events before one is taken cleanly.
constexpr int kSnapshotAttempts = 4;

}  // namespace

RunTracer::RunTracer(TraceWriter* writer, mmu::EventSink* next, const PhysMemory& memory,
                     GuestPhysAddr code_root, std::vector<std::string> snapshot_at)
    : writer_(writer),
      next_(next),
      instructions_(memory, code_root),
      snapshot_at_(std::move(snapshot_at)) {}

void RunTracer::on_event(const mmu::Event& event) {
  if (writer_ != nullptr) {
    proto::TraceRecord record = event_record(event);
    add_instruction(record);
    writer_->write_record(std::move(record));
    last_seq_.store(event.seq);
  }
  if (next_ != nullptr) next_->on_event(event);
}

void RunTracer::mark(unsigned vcpu, std::string_view name, std::uint64_t value) {
  if (writer_ == nullptr) return;
  proto::TraceRecord record;
  record.set_kind(proto::MARK);
  record.set_vcpu(vcpu);
  record.set_mark(std::string(name));
  record.set_new_value(value);
  writer_->write_record(std::move(record));
}

void RunTracer::hypercall(unsigned vcpu, std::uint32_t nr, const std::array<std::uint64_t, 6>& args) {
  if (writer_ == nullptr) return;
  proto::TraceRecord record;
  record.set_kind(proto::HYPERCALL);
  record.set_vcpu(vcpu);
  record.set_hypercall(std::string(hypercall_name(nr)));
  record.set_new_value(nr);
  const unsigned n = std::min<unsigned>(hypercall_arg_count(nr), args.size());
  for (unsigned i = 0; i < n; ++i) record.add_args(args[i]);
  writer_->write_record(std::move(record));
}

void RunTracer::shootdown_acked(unsigned vcpu, const abi::flush_request& request,
                                std::int64_t result) {
  if (writer_ == nullptr) return;
  proto::TraceRecord record;
  record.set_kind(proto::SHOOTDOWN_ACK);
  record.set_vcpu(vcpu);
  record.set_initiator(vcpu);
  record.set_gva(request.start);
  record.set_npages(request.npages);
  record.set_new_value(static_cast<std::uint64_t>(result));
  for (std::uint64_t word : request.vcpu_mask) record.add_args(word);
  writer_->write_record(std::move(record));
}

bool RunTracer::wants_snapshot(std::string_view mark) const {
  return writer_ != nullptr &&
         std::find(snapshot_at_.begin(), snapshot_at_.end(), mark) != snapshot_at_.end();
}

void RunTracer::snapshot(const std::function<vmm::TlbDump()>& take) {
  if (writer_ == nullptr) return;
  // Events are delivered under the model's lock, and the dump is taken under
  // it: if no event was delivered around the dump, it holds exactly the
  // state after last_seq_.
  mmu::EventSeq before = last_seq_.load();
  vmm::TlbDump dump = take();
  for (int attempt = 1; attempt < kSnapshotAttempts && last_seq_.load() != before; ++attempt) {
    before = last_seq_.load();
    dump = take();
  }
  // Still racing: `before` may predate part of the dump; the reader replays
  // the records after it, which the entries already reflect (docs/trace.md).
  writer_->write_snapshot(tlb_snapshot(dump, before));
}

void RunTracer::add_instruction(proto::TraceRecord& record) {
  if (record.rip() == 0) return;
  CachedInstruction insn = instructions_.at(GuestVirtAddr(record.rip()));
  record.set_insn_bytes(std::move(insn.bytes));
  record.set_disassembly(std::move(insn.text));
}

}  // namespace shadowtlb::trace
