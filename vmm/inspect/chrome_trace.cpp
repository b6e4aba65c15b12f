// Records as Chrome trace events: instants per record, durations for flushes.
#include "vmm/inspect/chrome_trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

#include "vmm/inspect/record_text.h"
#include "vmm/inspect/timeline.h"

namespace shadowtlb::inspect {
namespace {

constexpr int kPid = 1;
constexpr std::string_view kFlushBegin = "flush_tlb";
constexpr std::string_view kFlushEnd = "flush_tlb.done";

class Clock {
 public:
  Clock(const trace::TraceFile& trace, const std::vector<std::size_t>& selected) {
    timed_ = std::any_of(selected.begin(), selected.end(),
                         [&](std::size_t i) { return trace.records[i].host_time_ns() != 0; });
  }
  [[nodiscard]] std::uint64_t ns(const trace::TraceFile& trace, std::size_t index) const {
    return timed_ ? trace.records[index].host_time_ns() : index * 1000;
  }
  // Microseconds, as the format counts them.
  [[nodiscard]] double ts(const trace::TraceFile& trace, std::size_t index) const {
    return static_cast<double>(ns(trace, index)) / 1000.0;
  }
  [[nodiscard]] double dur(const trace::TraceFile& trace, std::size_t begin, std::size_t end) const {
    const std::uint64_t b = ns(trace, begin), e = ns(trace, end);
    return e > b ? static_cast<double>(e - b) / 1000.0 : 0.0;
  }

 private:
  bool timed_ = false;
};

std::string event_name(const proto::TraceRecord& r) {
  switch (r.kind()) {
    case proto::MARK: return r.mark();
    case proto::HAZARD: return fmt::format("HAZARD {}", r.hazard_kind());
    case proto::HYPERCALL: return r.hypercall().empty() ? "hypercall" : r.hypercall();
    default: return kind_name(r.kind());
  }
}

Json metadata(std::string_view name, unsigned tid, Json args) {
  return {{"name", name}, {"ph", "M"}, {"ts", 0}, {"pid", kPid}, {"tid", tid}, {"args", std::move(args)}};
}

Json duration(std::string name, unsigned tid, const trace::TraceFile& trace, const Clock& clock,
              std::size_t begin, std::size_t end, Json args) {
  return {{"name", std::move(name)},       {"cat", "flush"}, {"ph", "X"},
          {"ts", clock.ts(trace, begin)},  {"dur", clock.dur(trace, begin, end)},
          {"pid", kPid},                   {"tid", tid},     {"args", std::move(args)}};
}

// flush_tlb .. flush_tlb.done per vCPU (nested flushes pair innermost first).
void add_flush_marks(const trace::TraceFile& trace, const std::vector<std::size_t>& selected,
                     const Clock& clock, Json& events) {
  std::map<unsigned, std::vector<std::size_t>> open;
  for (std::size_t i : selected) {
    const proto::TraceRecord& r = trace.records[i];
    if (r.kind() != proto::MARK) continue;
    if (r.mark() == kFlushBegin) {
      open[r.vcpu()].push_back(i);
    } else if (r.mark() == kFlushEnd && !open[r.vcpu()].empty()) {
      const std::size_t begin = open[r.vcpu()].back();
      open[r.vcpu()].pop_back();
      events.push_back(duration("flush_tlb", r.vcpu(), trace, clock, begin, i,
                                {{"begin_event", begin},
                                 {"end_event", i},
                                 {"start", hex(trace.records[begin].new_value())}}));
    }
  }
}

// A shootdown: the initiator's first FLUSH_REMOTE since its last SHOOTDOWN_ACK, to that ack.
void add_shootdowns(const trace::TraceFile& trace, const std::vector<std::size_t>& selected,
                    const Clock& clock, Json& events) {
  struct Open {
    std::size_t first = 0;
    Json targets = Json::array();
  };
  std::map<unsigned, Open> open;
  for (std::size_t i : selected) {
    const proto::TraceRecord& r = trace.records[i];
    if (r.kind() == proto::FLUSH_REMOTE) {
      auto [it, fresh] = open.try_emplace(r.initiator());
      if (fresh) it->second.first = i;
      it->second.targets.push_back(r.vcpu());
    } else if (r.kind() == proto::SHOOTDOWN_ACK) {
      const auto it = open.find(r.vcpu());
      if (it == open.end()) continue;
      const std::size_t begin = it->second.first;
      events.push_back(duration("shootdown", r.vcpu(), trace, clock, begin, i,
                                {{"begin_event", begin},
                                 {"ack_event", i},
                                 {"range", flush_range_text(trace.records[begin])},
                                 {"targets", std::move(it->second.targets)}}));
      open.erase(it);
    }
  }
}

}  // namespace

Json chrome_trace(const trace::TraceFile& trace, const std::vector<std::size_t>& selected) {
  const Clock clock(trace, selected);
  Json events = Json::array();
  const std::string image = trace.header.image().empty() ? "trace" : trace.header.image();
  events.push_back(metadata("process_name", 0, {{"name", fmt::format("shadowtlb: {}", image)}}));
  for (unsigned v = 0; v < trace_vcpus(trace); ++v) {
    events.push_back(metadata("thread_name", v, {{"name", fmt::format("vCPU {}", v)}}));
    events.push_back(metadata("thread_sort_index", v, {{"sort_index", v}}));
  }
  for (std::size_t i : selected) {
    const proto::TraceRecord& r = trace.records[i];
    Json args = record_json(trace, i);
    events.push_back({{"name", event_name(r)},
                      {"cat", kind_name(r.kind())},
                      {"ph", "i"},
                      {"s", r.kind() == proto::HAZARD ? "p" : "t"},
                      {"ts", clock.ts(trace, i)},
                      {"pid", kPid},
                      {"tid", r.vcpu()},
                      {"args", std::move(args)}});
  }
  add_flush_marks(trace, selected, clock, events);
  add_shootdowns(trace, selected, clock, events);

  Json other = {{"tool", "shadowtlb inspect --chrome"},
                {"image", trace.header.image()},
                {"vcpus", trace.header.vcpus()},
                {"truncated", trace.truncated}};
  if (trace.footer) {
    other["result"] = trace.footer->result();
    other["verdict"] = trace.footer->verdict();
  }
  return {{"traceEvents", std::move(events)}, {"displayTimeUnit", "ns"}, {"otherData", std::move(other)}};
}

}  // namespace shadowtlb::inspect
