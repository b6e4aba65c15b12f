// TraceFile -> JSON for the report page: proto field names, zero fields left out, addresses in hex.
#include "vmm/report/report_data.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>
#include <string>

namespace shadowtlb::report {
namespace {

std::string hex(std::uint64_t value) { return fmt::format("{:#x}", value); }

// "48 89 07": the bytes of an instruction as objdump prints them.
std::string byte_list(const std::string& bytes) {
  std::string out;
  for (unsigned char byte : bytes) {
    if (!out.empty()) out += ' ';
    out += fmt::format("{:02x}", byte);
  }
  return out;
}

void put_hex(Json& object, const char* key, std::uint64_t value) {
  if (value != 0) object[key] = hex(value);
}

template <typename Number>
void put_number(Json& object, const char* key, Number value) {
  if (value != 0) object[key] = value;
}

void put_string(Json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

Json header_json(const proto::TraceHeader& header) {
  Json argv = Json::array();
  for (const std::string& arg : header.argv()) argv.push_back(arg);
  return Json{{"tool_version", header.tool_version()},
              {"image", header.image()},
              {"vcpus", header.vcpus()},
              {"mem_bytes", header.mem_bytes()},
              {"cmdline", header.cmdline()},
              {"tlb_mode", header.tlb_mode()},
              {"tlb_capacity", header.tlb_capacity()},
              {"tlb_evict", header.tlb_evict()},
              {"enforce", header.enforce()},
              {"schedule_mode", header.schedule_mode()},
              {"seed", std::to_string(header.seed())},
              {"start_unix_ns", header.start_unix_ns()},
              {"argv", argv}};
}

Json footer_json(const proto::TraceFooter& footer) {
  Json explanation = Json::array();
  for (const std::string& line : footer.explanation()) explanation.push_back(line);
  return Json{{"result", footer.result()},
              {"exit_code", footer.exit_code()},
              {"verdict", footer.verdict()},
              {"verdict_reason", footer.verdict_reason()},
              {"explanation", explanation},
              {"records", footer.records()},
              {"wall_ns", footer.wall_ns()},
              {"interrupted", footer.interrupted()},
              {"message", footer.message()}};
}

Json snapshot_json(const proto::TlbSnapshot& snapshot) {
  Json tlbs = Json::array();
  for (const proto::VcpuTlb& tlb : snapshot.tlbs()) {
    Json entries = Json::array();
    for (const proto::TlbEntryRecord& entry : tlb.entries()) entries.push_back(tlb_entry_json(entry));
    tlbs.push_back(Json{{"vcpu", tlb.vcpu()}, {"guest_root", hex(tlb.guest_root())}, {"entries", entries}});
  }
  return Json{{"after_seq", snapshot.after_seq()},
              {"position", snapshot.position()},
              {"mark", snapshot.mark()},
              {"vcpu", snapshot.vcpu()},
              {"value", hex(snapshot.value())},
              {"tlbs", tlbs}};
}

}  // namespace

std::string record_kind_name(proto::RecordKind kind) {
  if (!proto::RecordKind_IsValid(kind)) return "unknown";
  std::string name = proto::RecordKind_Name(kind);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name == "record_unknown" ? "unknown" : name;
}

Json tlb_entry_json(const proto::TlbEntryRecord& entry) {
  Json out = Json::object();
  out["va"] = hex(entry.va());
  out["page_size"] = hex(entry.page_size());
  out["frame"] = hex(entry.frame());
  for (auto [key, set] : {std::pair{"writable", entry.writable()}, {"user", entry.user()},
                          {"executable", entry.executable()}, {"dirty", entry.dirty()},
                          {"global", entry.global()}, {"stale", entry.stale()}}) {
    if (set) out[key] = true;
  }
  put_number(out, "stale_since", entry.stale_since());
  put_number(out, "filled_at", entry.filled_at());
  put_hex(out, "pte_address", entry.pte_address());
  put_hex(out, "pte_value", entry.pte_value());
  return out;
}

Json record_json(const proto::TraceRecord& record) {
  Json out = Json::object();
  put_number(out, "seq", record.seq());
  out["kind"] = record_kind_name(record.kind());
  out["vcpu"] = record.vcpu();
  if (record.kind() == proto::FLUSH_REMOTE || record.kind() == proto::SHOOTDOWN_ACK ||
      record.initiator() != 0)
    out["initiator"] = record.initiator();
  put_number(out, "host_time_ns", record.host_time_ns());
  put_hex(out, "gva", record.gva());
  put_hex(out, "gpa", record.gpa());
  put_hex(out, "frame", record.frame());
  put_hex(out, "old_value", record.old_value());
  put_hex(out, "new_value", record.new_value());
  put_hex(out, "npages", record.npages());
  put_hex(out, "rip", record.rip());
  if (!record.insn_bytes().empty()) out["insn_bytes"] = byte_list(record.insn_bytes());
  put_string(out, "disassembly", record.disassembly());
  put_number(out, "cause", record.cause());
  if (record.has_entry()) out["entry"] = tlb_entry_json(record.entry());
  put_string(out, "hazard_kind", record.hazard_kind());
  put_number(out, "write_event", record.write_event());
  put_number(out, "removed_at", record.removed_at());
  put_number(out, "stale_since", record.stale_since());
  if (record.kind() == proto::HAZARD && record.stale_since() != 0)
    out["stale_by_vcpu"] = record.stale_by_vcpu();
  put_hex(out, "stale_by_rip", record.stale_by_rip());
  put_string(out, "mark", record.mark());
  put_string(out, "hypercall", record.hypercall());
  if (record.args_size() > 0) {
    Json args = Json::array();
    for (std::uint64_t arg : record.args()) args.push_back(hex(arg));
    out["args"] = args;
  }
  return out;
}

Json report_data(const trace::TraceFile& trace, std::string_view source) {
  Json records = Json::array();
  for (const proto::TraceRecord& record : trace.records) records.push_back(record_json(record));
  Json snapshots = Json::array();
  for (const proto::TlbSnapshot& snapshot : trace.snapshots) snapshots.push_back(snapshot_json(snapshot));
  return Json{{"format", 1},
              {"source", std::string(source)},
              {"truncated", trace.truncated},
              {"problem", trace.problem},
              {"header", header_json(trace.header)},
              {"records", records},
              {"snapshots", snapshots},
              {"footer", trace.footer ? footer_json(*trace.footer) : Json(nullptr)}};
}

}  // namespace shadowtlb::report
