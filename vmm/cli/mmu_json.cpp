// TLB entries and hazards as JSON: addresses as hex strings, event numbers as numbers.
#include "vmm/cli/mmu_json.h"

#include <fmt/format.h>

#include "vmm/builder/mmu_settings.h"

namespace shadowtlb::vmm::cli {
namespace {

std::string hex(std::uint64_t value) { return fmt::format("{:#x}", value); }

}  // namespace

Json tlb_options_json(const MmuOptions& mmu) {
  return {{"mode", std::string(tlb_mode_name(mmu))},
          {"capacity", mmu.capacity},
          {"evict", std::string(evict_policy_name(mmu.evict))},
          {"enforce", std::string(enforce_policy_name(mmu.enforce))}};
}

Json tlb_entry_json(const mmu::TlbEntry& e) {
  return {{"va", hex(e.va.value())},
          {"page_size", e.page_size},
          {"frame", hex(e.frame.value())},
          {"writable", e.writable},
          {"user", e.user},
          {"executable", e.executable},
          {"dirty", e.dirty},
          {"stale", e.stale},
          {"stale_since", e.stale_since},
          {"filled_at", e.filled_at},
          {"pte", hex(e.leaf_address().value())},
          {"pte_value", hex(e.leaf_value)}};
}

Json hazard_json(const HazardReport& report) {
  const mmu::Hazard& h = report.hazard;
  Json j = {{"kind", std::string(mmu::hazard_kind_name(h.kind))},
            {"event", h.seq},
            {"vcpu", h.vcpu},
            {"va", hex(h.va.value())},
            {"frame", hex(h.frame.value())},
            {"rip", hex(h.rip.value())},
            {"instruction", report.instruction},
            {"write_event", h.write_event},
            {"removed_at", h.removed_at},
            {"entry", tlb_entry_json(h.entry)}};
  if (h.stale_since != 0) {
    j["stale_since"] = {{"event", h.stale_since},
                        {"vcpu", h.stale_by_vcpu},
                        {"rip", hex(h.stale_by_rip.value())},
                        {"instruction", report.stale_by_instruction}};
  }
  return j;
}

Json tlb_dump_json(const TlbDump& dump) {
  Json vcpus = Json::array();
  for (std::size_t v = 0; v < dump.entries.size(); ++v) {
    Json entries = Json::array();
    for (const mmu::TlbEntry& e : dump.entries[v]) entries.push_back(tlb_entry_json(e));
    vcpus.push_back({{"vcpu", v},
                     {"guest_root", hex(dump.guest_roots[v].value())},
                     {"entries", std::move(entries)}});
  }
  return {{"mark", dump.mark}, {"vcpu", dump.vcpu}, {"value", dump.value}, {"tlbs", std::move(vcpus)}};
}

}  // namespace shadowtlb::vmm::cli
