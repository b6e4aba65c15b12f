// Following a hazard's event numbers back through the trace (the fill, the
// page-table write, the stale write) and forward to the flush that came too late.
#include "vmm/inspect/explain.h"

#include <fmt/format.h>

#include <algorithm>

#include "vmm/inspect/event_ref.h"
#include "vmm/inspect/filters.h"
#include "vmm/inspect/record_text.h"
#include "vmm/inspect/tlb_view.h"

namespace shadowtlb::inspect {
namespace {

constexpr std::string_view kFlushMark = "flush_tlb";

bool same_entry(const proto::TlbEntryRecord& a, const proto::TlbEntryRecord& b) {
  return a.va() == b.va() && a.page_size() == b.page_size();
}

bool removes(const proto::TraceRecord& r, unsigned vcpu, const proto::TlbEntryRecord& e) {
  if (r.vcpu() != vcpu || r.seq() == 0) return false;
  switch (r.kind()) {
    case proto::FLUSH_LOCAL:
    case proto::FLUSH_REMOTE:
      if (r.npages() == kAllPages) return !e.global();
      return flush_range(r).overlaps(e.va(), e.va() + e.page_size());
    case proto::CR3_LOAD:
      return !e.global();
    case proto::EVICT:
    case proto::ENFORCE:
    case proto::SPURIOUS_FAULT:
    case proto::GUEST_FAULT:
      return r.has_entry() && same_entry(r.entry(), e);
    default:
      return false;
  }
}

std::optional<std::size_t> find_stale_mark(const trace::TraceFile& trace, const HazardChain& c,
                                           unsigned vcpu, std::uint64_t stale_since) {
  const std::size_t from = c.pte_write.value_or(0);
  for (std::size_t i = from; i < c.hazard; ++i) {
    const proto::TraceRecord& r = trace.records[i];
    if (r.kind() == proto::STALE && r.vcpu() == vcpu && r.cause() == stale_since && r.has_entry() &&
        same_entry(r.entry(), c.entry))
      return i;
  }
  return std::nullopt;
}

// The "flush_tlb" mark of the vCPU that asked for the removal, between the
// page-table write and the removal.
std::optional<std::size_t> find_flush_mark(const trace::TraceFile& trace, const HazardChain& c) {
  if (!c.removal) return std::nullopt;
  const proto::TraceRecord& removal = trace.records[*c.removal];
  const unsigned asker =
      removal.kind() == proto::FLUSH_REMOTE ? removal.initiator() : removal.vcpu();
  const std::size_t floor = c.pte_write.value_or(0);
  for (std::size_t i = *c.removal; i-- > floor;) {
    const proto::TraceRecord& r = trace.records[i];
    if (r.kind() == proto::MARK && r.vcpu() == asker && r.mark() == kFlushMark) return i;
  }
  return std::nullopt;
}

std::string at_rip(const proto::TraceRecord& r) {
  if (r.rip() == 0) return "rip unknown";
  if (r.disassembly().empty()) return fmt::format("rip {}", hex(r.rip()));
  return fmt::format("rip {}: {}", hex(r.rip()), r.disassembly());
}

std::string write_line(const trace::TraceFile& trace, const HazardChain& c) {
  const proto::TraceRecord& h = trace.records[c.hazard];
  if (!c.write) {
    if (h.write_event() != 0)
      return fmt::format("the write:     {} (its record is not in the trace); {}",
                         event_ref(trace, h.write_event()), at_rip(h));
    return "";
  }
  const proto::TraceRecord& w = trace.records[*c.write];
  const std::string value = w.old_value() == 0 && w.new_value() == 0
                                ? std::string("wrote")
                                : fmt::format("wrote {} (was {})", hex(w.new_value()), hex(w.old_value()));
  return fmt::format(
      "the write:     event {}: vCPU {} {} to {} (frame {}) through the stale {} entry; {}", *c.write,
      w.vcpu(), value, hex(w.gva()), hex(w.gpa() & ~0xfffull),
      c.entry.dirty() ? "writable, dirty" : (c.entry.writable() ? "writable" : "read-only"), at_rip(w));
}

std::string entry_line(const trace::TraceFile& trace, const HazardChain& c) {
  const proto::TraceRecord& h = trace.records[c.hazard];
  std::string text = fmt::format("the entry:     {} in vCPU {}'s TLB", entry_text(c.entry), h.vcpu());
  if (c.fill) {
    const proto::TraceRecord& f = trace.records[*c.fill];
    text += fmt::format(", filled at event {} by vCPU {}'s {} ({})", *c.fill, f.vcpu(),
                        kind_name(f.kind()), at_rip(f));
  } else if (c.entry.filled_at() != 0) {
    text += fmt::format(", filled at {}", event_ref(trace, c.entry.filled_at()));
  }
  if (c.entry.pte_address() != 0)
    text += fmt::format(" from the paging entry [{}] = {}", hex(c.entry.pte_address()),
                        hex(c.entry.pte_value()));
  if (c.stale) text += fmt::format("; marked stale at event {}", *c.stale);
  return text;
}

std::string stale_line(const trace::TraceFile& trace, const HazardChain& c) {
  const proto::TraceRecord& h = trace.records[c.hazard];
  if (c.pte_write) {
    const proto::TraceRecord& p = trace.records[*c.pte_write];
    return fmt::format("made stale by: event {}: vCPU {}'s page-table write [{}] {} -> {}; {}",
                       *c.pte_write, p.vcpu(), hex(p.gpa()), hex(p.old_value()), hex(p.new_value()),
                       at_rip(p));
  }
  if (h.stale_since() != 0)
    return fmt::format("made stale by: {}: vCPU {}'s page-table write at rip {}",
                       event_ref(trace, h.stale_since()), h.stale_by_vcpu(), hex(h.stale_by_rip()));
  return "made stale by: (the hazard names no page-table write: the entry was not stale)";
}

// The first page-table write after the one that made the entry stale that
// maps the entry's frame through another paging entry: where the page went.
std::optional<std::size_t> find_remap(const trace::TraceFile& trace, const HazardChain& c) {
  if (!c.pte_write) return std::nullopt;
  for (std::size_t i = *c.pte_write + 1; i < c.hazard; ++i) {
    const proto::TraceRecord& r = trace.records[i];
    if (r.kind() == proto::PTE_WRITE && r.gpa() != c.entry.pte_address() &&
        pte_frame(r.new_value()) == c.entry.frame() && pte_frame(r.old_value()) != c.entry.frame())
      return i;
  }
  return std::nullopt;
}

std::string remap_line(const trace::TraceFile& trace, const HazardChain& c) {
  const proto::TraceRecord& p = trace.records[*c.remap];
  return fmt::format("moved to:      event {}: vCPU {}'s page-table write [{}] {} -> {} maps frame {} there; {}",
                     *c.remap, p.vcpu(), hex(p.gpa()), hex(p.old_value()), hex(p.new_value()),
                     hex(c.entry.frame()), at_rip(p));
}

// The freed_frame_reachable hazard on the written frame, for the same vCPU, before the write.
std::optional<std::size_t> find_freed(const trace::TraceFile& trace, const HazardChain& c) {
  if (!c.write) return std::nullopt;
  const proto::TraceRecord& w = trace.records[*c.write];
  const std::uint64_t frame = w.gpa() & ~0xfffull;
  for (std::size_t i = *c.write; i-- > 0;) {
    const proto::TraceRecord& r = trace.records[i];
    if (r.kind() == proto::HAZARD && r.hazard_kind() == "freed_frame_reachable" && r.vcpu() == w.vcpu() &&
        r.frame() == frame)
      return i;
  }
  return std::nullopt;
}

std::string freed_line(const trace::TraceFile& trace, const HazardChain& c) {
  const proto::TraceRecord& f = trace.records[*c.freed];
  std::string by;
  if (const auto cause = event_of(trace, f.cause()))
    by = fmt::format(" by vCPU {} at event {}", trace.records[*cause].vcpu(), *cause);
  return fmt::format("freed frame:   frame {} was freed{} while vCPU {}'s TLB still reached it, "
                     "before the write (hazard at event {})",
                     hex(f.frame()), by, f.vcpu(), *c.freed);
}

std::string removal_line(const trace::TraceFile& trace, const HazardChain& c) {
  const proto::TraceRecord& h = trace.records[c.hazard];
  if (!c.removal) {
    if (h.removed_at() != 0)
      return fmt::format("too late:      the entry left vCPU {}'s TLB at {}", h.vcpu(),
                         event_ref(trace, h.removed_at()));
    return fmt::format("too late:      the entry was still in vCPU {}'s TLB at the end of the trace",
                       h.vcpu());
  }
  const proto::TraceRecord& r = trace.records[*c.removal];
  std::string text = fmt::format("too late:      event {}: {} removed the entry from vCPU {}'s TLB",
                                 *c.removal, describe_record(r), h.vcpu());
  const std::size_t write = c.write.value_or(c.hazard);
  if (*c.removal > write) {
    const std::size_t after = *c.removal - write;
    text += fmt::format(", {} event{} after the {}", after, after == 1 ? "" : "s",
                        c.write ? "write" : "hazard");
  }
  if (c.flush_mark) text += fmt::format(" (flush_tlb began at event {})", *c.flush_mark);
  return text;
}

// "3 hazards: 1 stale_write, 1 lost_dirty_bit, 1 freed_frame_reachable"
std::string hazard_census(const trace::TraceFile& trace, const std::vector<HazardChain>& chains) {
  std::vector<std::pair<std::string, std::size_t>> counts;
  for (const HazardChain& c : chains) {
    const std::string& kind = trace.records[c.hazard].hazard_kind();
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& kv) { return kv.first == kind; });
    if (it == counts.end())
      counts.emplace_back(kind, 1);
    else
      ++it->second;
  }
  std::string text = fmt::format("{} hazard{}:", chains.size(), chains.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < counts.size(); ++i)
    text += fmt::format("{} {} {}", i ? "," : "", counts[i].second, counts[i].first);
  return text;
}

}  // namespace

bool same_story(const trace::TraceFile& trace, const HazardChain& a, const HazardChain& b) {
  const proto::TraceRecord& ha = trace.records[a.hazard];
  const proto::TraceRecord& hb = trace.records[b.hazard];
  return ha.hazard_kind() == hb.hazard_kind() && ha.vcpu() == hb.vcpu() && same_entry(a.entry, b.entry) &&
         a.entry.filled_at() == b.entry.filled_at() && a.write == b.write && a.pte_write == b.pte_write &&
         a.removal == b.removal;
}

void retell_as_group(const trace::TraceFile& trace, const std::vector<const HazardChain*>& group,
                     std::vector<std::string>& lines) {
  constexpr std::size_t kListed = 4;
  std::string events;
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (i < kListed || i + 1 == group.size())
      events += fmt::format("{}{}", events.empty() ? "" : ", ", group[i]->hazard);
    else if (i == kListed)
      events += ", \u2026";
  }
  const proto::TraceRecord& first = trace.records[group.front()->hazard];
  const proto::TraceRecord& last = trace.records[group.back()->hazard];
  lines[0] = fmt::format("{} hazards at events {}: {} on vCPU {}, {} .. {} (frames {} .. {})", group.size(),
                         events, first.hazard_kind(), first.vcpu(), hex(first.gva()), hex(last.gva()),
                         hex(first.frame()), hex(last.frame()));
  for (std::string& line : lines)
    if (line.starts_with("cause:"))
      line += fmt::format("  (and {} more like it)", group.size() - 1);
}

std::optional<std::size_t> find_removal(const trace::TraceFile& trace, unsigned vcpu,
                                        const proto::TlbEntryRecord& entry, std::size_t after) {
  for (std::size_t i = after + 1; i < trace.records.size(); ++i)
    if (removes(trace.records[i], vcpu, entry)) return i;
  return std::nullopt;
}

std::vector<HazardChain> hazard_chains(const trace::TraceFile& trace) {
  std::vector<HazardChain> chains;
  for (std::size_t i = 0; i < trace.records.size(); ++i) {
    const proto::TraceRecord& h = trace.records[i];
    if (h.kind() != proto::HAZARD) continue;
    HazardChain c;
    c.hazard = i;
    c.write = event_of(trace, h.write_event());
    c.entry = h.entry();
    if (!h.has_entry() && c.write) c.entry = trace.records[*c.write].entry();
    c.fill = event_of(trace, c.entry.filled_at());
    const std::uint64_t stale_since = h.stale_since() ? h.stale_since() : c.entry.stale_since();
    c.pte_write = event_of(trace, stale_since);
    if (stale_since != 0) c.stale = find_stale_mark(trace, c, h.vcpu(), stale_since);
    c.cause = event_of(trace, h.cause());
    if (h.removed_at() != 0) {
      c.removal = event_of(trace, h.removed_at());
      c.removal_named = c.removal.has_value();
    } else if (c.entry.page_size() != 0) {
      c.removal = find_removal(trace, h.vcpu(), c.entry, std::max(i, c.write.value_or(0)));
    }
    c.remap = find_remap(trace, c);
    c.freed = find_freed(trace, c);
    c.flush_mark = find_flush_mark(trace, c);
    chains.push_back(std::move(c));
  }
  return chains;
}

std::vector<std::string> explain_chain(const trace::TraceFile& trace, const HazardChain& c) {
  const proto::TraceRecord& h = trace.records[c.hazard];
  std::vector<std::string> lines;
  lines.push_back(fmt::format("hazard at event {}: {} on vCPU {}, {} (frame {})", c.hazard,
                              h.hazard_kind(), h.vcpu(), hex(h.gva()), hex(h.frame())));
  if (std::string w = write_line(trace, c); !w.empty()) lines.push_back(std::move(w));
  if (!c.write && c.cause) {
    const proto::TraceRecord& cause = trace.records[*c.cause];
    lines.push_back(fmt::format("cause:         event {}: vCPU {} {}", *c.cause, cause.vcpu(),
                                record_line(cause)));
  }
  lines.push_back(entry_line(trace, c));
  lines.push_back(stale_line(trace, c));
  if (c.remap) lines.push_back(remap_line(trace, c));
  lines.push_back(removal_line(trace, c));
  if (c.freed) lines.push_back(freed_line(trace, c));
  return lines;
}

namespace {

std::vector<std::vector<const HazardChain*>> group_chains(const trace::TraceFile& trace,
                                                         const std::vector<HazardChain>& chains) {
  std::vector<std::vector<const HazardChain*>> groups;
  for (const HazardChain& c : chains) {
    auto same = std::find_if(groups.begin(), groups.end(), [&](const auto& group) {
      return same_story(trace, *group.front(), c);
    });
    if (same == groups.end())
      groups.push_back({&c});
    else
      same->push_back(&c);
  }
  return groups;
}

}  // namespace

std::string format_explanation(const trace::TraceFile& trace, const std::vector<HazardChain>& chains) {
  std::string out;
  if (chains.empty()) out += "no hazards in this trace\n";
  else out += hazard_census(trace, chains) + "\n\n";
  for (const auto& group : group_chains(trace, chains)) {
    std::vector<std::string> lines = explain_chain(trace, *group.front());
    if (group.size() > 1) retell_as_group(trace, group, lines);
    for (std::size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? "" : "  ") + lines[i] + "\n";
    out += "\n";
  }
  if (!trace.footer) {
    out += "verdict: none: the trace has no footer (the run was cut short)\n";
    return out;
  }
  const proto::TraceFooter& f = *trace.footer;
  if (f.verdict().empty()) {
    out += fmt::format("verdict: none (result {}, exit {})\n", f.result(), f.exit_code());
  } else {
    out += fmt::format("verdict: {}{}  (result {}, exit {})\n", f.verdict(),
                       f.verdict_reason().empty() ? "" : ": " + f.verdict_reason(), f.result(),
                       f.exit_code());
  }
  if (f.explanation_size() > 0) {
    out += "  the run's own explanation (its event numbers are the model's, not these):\n";
    for (const std::string& line : f.explanation()) out += "    " + line + "\n";
  }
  return out;
}

}  // namespace shadowtlb::inspect
