// Every vCPU's TLB at an event (trace::tlbs_at) with the guest page tables'
// side of each stale entry, taken from the page-table writes in the trace.
#include "vmm/inspect/tlb_view.h"

#include <fmt/format.h>

#include <map>

#include "vmm/inspect/event_ref.h"
#include "vmm/inspect/record_text.h"

namespace shadowtlb::inspect {
namespace {

constexpr std::uint64_t kPresent = 1;
constexpr std::uint64_t kAddressMask = 0x000ffffffffff000ull;  // bits 51:12 (SDM 4.5)

// Every paging entry written up to and including records[at]: its last value.
std::map<std::uint64_t, PteState> page_table_writes(const trace::TraceFile& trace, std::size_t at) {
  std::map<std::uint64_t, PteState> writes;
  for (std::size_t i = 0; i <= at; ++i) {
    const proto::TraceRecord& r = trace.records[i];
    if (r.kind() != proto::PTE_WRITE && r.kind() != proto::AD_UPDATE) continue;
    writes[r.gpa()] = PteState{i, r.gpa(), r.new_value()};
  }
  return writes;
}

// The most recently written paging entry (other than `own`) that maps `frame`.
std::optional<PteState> mapping_of(const std::map<std::uint64_t, PteState>& writes,
                                   std::uint64_t frame, std::uint64_t own) {
  std::optional<PteState> best;
  for (const auto& [address, state] : writes) {
    if (address == own || pte_frame(state.value) != frame) continue;
    if (!best || state.event > best->event) best = state;
  }
  return best;
}

std::string state_text(const trace::TraceFile& trace, const TlbViewEntry& v) {
  const proto::TlbEntryRecord& e = v.entry;
  std::string text = e.stale() ? fmt::format("STALE since {}", event_ref(trace, e.stale_since()))
                               : std::string("current");
  if (v.filled_event) text += fmt::format("  filled at event {}", *v.filled_event);
  if (e.pte_address() != 0) text += fmt::format("  pte {}", hex(e.pte_address()));
  return text;
}

void append_stale_details(std::string& out, const trace::TraceFile& trace, const TlbViewEntry& v) {
  const proto::TlbEntryRecord& e = v.entry;
  constexpr std::string_view kIndent = "      ";
  if (v.stale_event) {
    const proto::TraceRecord& w = trace.records[*v.stale_event];
    out += fmt::format("{}made stale by event {}: vCPU {} {}\n", kIndent, *v.stale_event, w.vcpu(),
                       record_line(w));
  }
  if (v.pte_now) {
    const bool maps = pte_frame(v.pte_now->value) == e.frame();
    out += fmt::format("{}page tables now: [{}] = {} (written at event {}){}\n", kIndent,
                       hex(v.pte_now->address), hex(v.pte_now->value), v.pte_now->event,
                       maps ? "" : fmt::format(": {} no longer maps to {}", hex(e.va()), hex(e.frame())));
  } else if (e.pte_address() != 0) {
    out += fmt::format("{}page tables now: no write to [{}] in the trace up to here\n", kIndent,
                       hex(e.pte_address()));
  }
  if (v.frame_now)
    out += fmt::format("{}frame {} is now mapped by [{}] = {} (written at event {})\n", kIndent,
                       hex(e.frame()), hex(v.frame_now->address), hex(v.frame_now->value),
                       v.frame_now->event);
}

}  // namespace

std::optional<std::uint64_t> pte_frame(std::uint64_t value) {
  if ((value & kPresent) == 0) return std::nullopt;
  return value & kAddressMask;
}

TlbView tlb_view(const trace::TraceFile& trace, std::size_t at) {
  TlbView view;
  view.at = at;
  const auto tlbs = trace::tlbs_at(trace, at);  // throws std::out_of_range
  const auto writes = page_table_writes(trace, at);
  view.vcpus.resize(tlbs.size());
  for (std::size_t v = 0; v < tlbs.size(); ++v) {
    for (const proto::TlbEntryRecord& e : tlbs[v]) {
      TlbViewEntry entry;
      entry.entry = e;
      entry.filled_event = event_of(trace, e.filled_at());
      if (e.stale()) {
        entry.stale_event = event_of(trace, e.stale_since());
        if (const auto it = writes.find(e.pte_address()); it != writes.end()) entry.pte_now = it->second;
        entry.frame_now = mapping_of(writes, e.frame(), e.pte_address());
      }
      view.vcpus[v].push_back(std::move(entry));
    }
  }
  return view;
}

std::string format_tlb_view(const trace::TraceFile& trace, const TlbView& view) {
  const proto::TraceRecord& at = trace.records.at(view.at);
  std::string out = fmt::format("TLBs after event {} (vCPU {}: {})\n", view.at, at.vcpu(), record_line(at));
  for (std::size_t v = 0; v < view.vcpus.size(); ++v) {
    const auto& entries = view.vcpus[v];
    std::size_t stale = 0;
    for (const TlbViewEntry& e : entries) stale += e.entry.stale() ? 1 : 0;
    if (entries.empty()) {
      out += fmt::format("vCPU {}: empty\n", v);
      continue;
    }
    out += fmt::format("vCPU {}: {} entr{}{}\n", v, entries.size(), entries.size() == 1 ? "y" : "ies",
                       stale ? fmt::format(", {} STALE", stale) : "");
    for (const TlbViewEntry& e : entries) {
      out += fmt::format("  {} {}  {}\n", e.entry.stale() ? "!" : " ", entry_text(e.entry),
                         state_text(trace, e));
      if (e.entry.stale()) append_stale_details(out, trace, e);
    }
  }
  return out;
}

}  // namespace shadowtlb::inspect
