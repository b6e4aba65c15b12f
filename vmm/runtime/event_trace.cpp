// Recording and printing event traces.
#include "vmm/runtime/event_trace.h"

#include <fmt/format.h>

#include <algorithm>

namespace shadowtlb::vmm {
namespace {

std::uint8_t entry_flags(const mmu::TlbEntry& e) {
  return static_cast<std::uint8_t>((e.writable ? kEntryWritable : 0) | (e.user ? kEntryUser : 0) |
                                   (e.executable ? kEntryExecutable : 0) |
                                   (e.dirty ? kEntryDirty : 0) | (e.global ? kEntryGlobal : 0) |
                                   (e.stale ? kEntryStale : 0));
}

TraceEvent compact(const mmu::Event& e) {
  TraceEvent t;
  t.source = TraceEvent::Source::mmu;
  t.kind = e.kind;
  t.hazard = e.hazard;
  t.entry_flags = entry_flags(e.entry);
  t.vcpu = e.vcpu;
  t.initiator = e.initiator;
  t.seq = e.seq;
  t.va = e.va.value();
  t.pa = e.pa.value();
  t.old_value = e.old_value;
  t.new_value = e.new_value;
  t.npages = e.npages;
  t.rip = e.rip.value();
  t.cause = e.cause;
  t.entry_va = e.entry.va.value();
  t.entry_frame = e.entry.frame.value();
  t.entry_leaf = e.entry.leaf_value;
  return t;
}

std::string_view mark_name(const EventTrace& trace, const TraceEvent& e) {
  return e.name < trace.names.size() ? std::string_view(trace.names[e.name]) : "?";
}

// Mark names are compared as text: each trace numbers its own.
bool same_event(const EventTrace& a, const TraceEvent& x, const EventTrace& b, const TraceEvent& y) {
  if (x.source == TraceEvent::Source::mmu || y.source == TraceEvent::Source::mmu) return x == y;
  return x.vcpu == y.vcpu && x.new_value == y.new_value && mark_name(a, x) == mark_name(b, y);
}

}  // namespace

std::string format_trace_event(const EventTrace& trace, const TraceEvent& e) {
  if (e.source == TraceEvent::Source::mark)
    return fmt::format("mark '{}' vCPU {} ({:#x})", mark_name(trace, e), e.vcpu, e.new_value);
  return fmt::format(
      "#{} {} vCPU {} (by {}) va {:#x} pa {:#x} {:#x} -> {:#x} npages {} rip {:#x} cause {} "
      "entry va {:#x} frame {:#x} leaf {:#x} flags {:#x}",
      e.seq, mmu::event_kind_name(e.kind), e.vcpu, e.initiator, e.va, e.pa, e.old_value,
      e.new_value, e.npages, e.rip, e.cause, e.entry_va, e.entry_frame, e.entry_leaf,
      e.entry_flags);
}

std::optional<std::size_t> first_difference(const EventTrace& a, const EventTrace& b) {
  const std::size_t n = std::min(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < n; ++i)
    if (!same_event(a, a.events[i], b, b.events[i])) return i;
  if (a.events.size() != b.events.size() || a.truncated != b.truncated) return n;
  return std::nullopt;
}

void TraceRecorder::on_event(const mmu::Event& event) {
  if (next_ != nullptr) next_->on_event(event);
  if (!keep_) return;
  std::lock_guard lock(mutex_);
  append(compact(event));
}

void TraceRecorder::add_mark(unsigned vcpu, std::string_view name, std::uint64_t value) {
  if (!keep_) return;
  std::lock_guard lock(mutex_);
  auto id = name_ids_.find(name);
  if (id == name_ids_.end()) {
    id = name_ids_.emplace(std::string(name), static_cast<std::uint32_t>(trace_.names.size())).first;
    trace_.names.emplace_back(name);
  }
  TraceEvent t;
  t.source = TraceEvent::Source::mark;
  t.name = id->second;
  t.vcpu = vcpu;
  t.new_value = value;
  append(t);
}

EventTrace TraceRecorder::take() {
  std::lock_guard lock(mutex_);
  return std::move(trace_);
}

void TraceRecorder::append(const TraceEvent& event) {
  if (trace_.events.size() >= kMaxTraceEvents) {
    trace_.truncated = true;
    return;
  }
  trace_.events.push_back(event);
}

}  // namespace shadowtlb::vmm
