// JSON renderings of records, TLB views and hazard chains.
#include "vmm/inspect/inspect_json.h"

#include <fmt/format.h>

#include "vmm/inspect/event_ref.h"
#include "vmm/inspect/record_text.h"

namespace shadowtlb::inspect {
namespace {

// A model event number as an event (record index), null when not in the trace.
Json event_json(const trace::TraceFile& trace, std::uint64_t seq) {
  if (const auto index = event_of(trace, seq)) return *index;
  return nullptr;
}

Json optional_event(const std::optional<std::size_t>& index) {
  if (index) return *index;
  return nullptr;
}

std::string bytes_hex(const std::string& bytes) {
  std::string out;
  for (unsigned char b : bytes) out += fmt::format("{}{:02x}", out.empty() ? "" : " ", b);
  return out;
}

Json optional_record(const trace::TraceFile& trace, const std::optional<std::size_t>& index) {
  if (index) return record_json(trace, *index);
  return nullptr;
}

Json pte_state_json(const std::optional<PteState>& state) {
  if (!state) return nullptr;
  return {{"event", state->event}, {"pte", hex(state->address)}, {"value", hex(state->value)}};
}

}  // namespace

Json trace_json(const trace::TraceFile& trace) {
  const proto::TraceHeader& h = trace.header;
  Json j = {{"image", h.image()},
            {"tool_version", h.tool_version()},
            {"vcpus", h.vcpus()},
            {"mem_bytes", h.mem_bytes()},
            {"cmdline", h.cmdline()},
            {"tlb_mode", h.tlb_mode()},
            {"enforce", h.enforce()},
            {"schedule_mode", h.schedule_mode()},
            {"seed", h.seed()},
            {"records", trace.records.size()},
            {"snapshots", trace.snapshots.size()},
            {"truncated", trace.truncated},
            {"problem", trace.problem}};
  if (trace.footer) {
    const proto::TraceFooter& f = *trace.footer;
    Json explanation = Json::array();
    for (const std::string& line : f.explanation()) explanation.push_back(line);
    j["footer"] = {{"result", f.result()},
                   {"exit_code", f.exit_code()},
                   {"verdict", f.verdict()},
                   {"verdict_reason", f.verdict_reason()},
                   {"explanation", std::move(explanation)},
                   {"wall_ns", f.wall_ns()},
                   {"interrupted", f.interrupted()}};
  } else {
    j["footer"] = nullptr;
  }
  return j;
}

Json entry_json(const trace::TraceFile& trace, const proto::TlbEntryRecord& e) {
  Json j = {{"va", hex(e.va())},
            {"page_size", e.page_size()},
            {"frame", hex(e.frame())},
            {"writable", e.writable()},
            {"user", e.user()},
            {"executable", e.executable()},
            {"dirty", e.dirty()},
            {"global", e.global()},
            {"stale", e.stale()},
            {"stale_since_event", event_json(trace, e.stale_since())},
            {"filled_at_event", event_json(trace, e.filled_at())},
            {"pte", hex(e.pte_address())},
            {"pte_value", hex(e.pte_value())}};
  return j;
}

Json record_json(const trace::TraceFile& trace, std::size_t index) {
  const proto::TraceRecord& r = trace.records.at(index);
  Json j = {{"event", index},
            {"seq", r.seq()},
            {"kind", kind_name(r.kind())},
            {"vcpu", r.vcpu()},
            {"time_ns", r.host_time_ns()},
            {"text", describe_record(r)}};
  if (r.kind() == proto::FLUSH_REMOTE || r.kind() == proto::SHOOTDOWN_ACK || r.kind() == proto::STALE ||
      r.kind() == proto::ENFORCE)
    j["initiator"] = r.initiator();
  if (r.gva() != 0) j["gva"] = hex(r.gva());
  if (r.gpa() != 0) j["gpa"] = hex(r.gpa());
  if (r.frame() != 0) j["frame"] = hex(r.frame());
  if (r.old_value() != 0 || r.new_value() != 0 || r.kind() == proto::PTE_WRITE) {
    j["old_value"] = hex(r.old_value());
    j["new_value"] = hex(r.new_value());
  }
  if (r.npages() != 0) j["npages"] = r.npages() == kAllPages ? Json("all") : Json(r.npages());
  if (r.rip() != 0) {
    j["rip"] = hex(r.rip());
    j["instruction"] = r.disassembly();
    j["insn_bytes"] = bytes_hex(r.insn_bytes());
  }
  if (r.cause() != 0) j["cause_event"] = event_json(trace, r.cause());
  if (r.has_entry()) j["entry"] = entry_json(trace, r.entry());
  if (r.kind() == proto::HAZARD) {
    j["hazard_kind"] = r.hazard_kind();
    j["write_event"] = event_json(trace, r.write_event());
    j["removed_at_event"] = event_json(trace, r.removed_at());
    j["stale_since_event"] = event_json(trace, r.stale_since());
    j["stale_by_vcpu"] = r.stale_by_vcpu();
    j["stale_by_rip"] = hex(r.stale_by_rip());
  }
  if (r.kind() == proto::MARK) {
    j["mark"] = r.mark();
    j["value"] = r.new_value();
  }
  if (r.kind() == proto::HYPERCALL) j["hypercall"] = r.hypercall();
  if (r.args_size() > 0) {
    Json args = Json::array();
    for (std::uint64_t a : r.args()) args.push_back(hex(a));
    j["args"] = std::move(args);
  }
  return j;
}

Json records_json(const trace::TraceFile& trace, const std::vector<std::size_t>& selected) {
  Json records = Json::array();
  for (std::size_t index : selected) records.push_back(record_json(trace, index));
  return {{"trace", trace_json(trace)}, {"records", std::move(records)}};
}

Json tlb_view_json(const trace::TraceFile& trace, const TlbView& view) {
  Json tlbs = Json::array();
  for (std::size_t v = 0; v < view.vcpus.size(); ++v) {
    Json entries = Json::array();
    for (const TlbViewEntry& e : view.vcpus[v]) {
      Json j = entry_json(trace, e.entry);
      if (e.entry.stale()) {
        j["made_stale_by"] = optional_record(trace, e.stale_event);
        j["pte_now"] = pte_state_json(e.pte_now);
        j["frame_mapped_by"] = pte_state_json(e.frame_now);
      }
      entries.push_back(std::move(j));
    }
    tlbs.push_back({{"vcpu", v}, {"entries", std::move(entries)}});
  }
  return {{"trace", trace_json(trace)},
          {"at", record_json(trace, view.at)},
          {"tlbs", std::move(tlbs)}};
}

Json explanation_json(const trace::TraceFile& trace, const std::vector<HazardChain>& chains) {
  Json hazards = Json::array();
  for (const HazardChain& c : chains) {
    Json lines = Json::array();
    for (const std::string& line : explain_chain(trace, c)) lines.push_back(line);
    hazards.push_back({{"hazard", record_json(trace, c.hazard)},
                       {"entry", entry_json(trace, c.entry)},
                       {"write", optional_record(trace, c.write)},
                       {"fill", optional_record(trace, c.fill)},
                       {"stale", optional_record(trace, c.stale)},
                       {"pte_write", optional_record(trace, c.pte_write)},
                       {"remap", optional_record(trace, c.remap)},
                       {"removal", optional_record(trace, c.removal)},
                       {"removal_source", c.removal ? Json(c.removal_named ? "removed_at" : "scan")
                                                    : Json(nullptr)},
                       {"flush_mark_event", optional_event(c.flush_mark)},
                       {"cause", optional_record(trace, c.cause)},
                       {"freed", optional_record(trace, c.freed)},
                       {"lines", std::move(lines)}});
  }
  Json verdict = nullptr;
  if (trace.footer && !trace.footer->verdict().empty())
    verdict = {{"name", trace.footer->verdict()}, {"reason", trace.footer->verdict_reason()}};
  return {{"trace", trace_json(trace)}, {"hazards", std::move(hazards)}, {"verdict", std::move(verdict)}};
}

std::string dump_json(const Json& json) {
  return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace shadowtlb::inspect
