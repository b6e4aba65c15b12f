// Hazard lines for humans; the JSON summary carries the same facts for scripts.
#include "vmm/mmu/hazard_log.h"

#include <fmt/format.h>

#include "vmm/x86/disassembler.h"

namespace shadowtlb::vmm {

std::string format_hazard(const mmu::Hazard& h, std::string_view instruction,
                          std::string_view stale_by_instruction) {
  std::string line = fmt::format(
      "{}: vCPU {} va {:#x} -> frame {:#x} (TLB entry {}{}, filled at event {}) at rip {:#x}: {}",
      mmu::hazard_kind_name(h.kind), h.vcpu, h.va.value(), h.frame.value(),
      h.entry.writable ? "writable" : "read-only", h.entry.dirty ? " dirty" : "", h.entry.filled_at,
      h.rip.value(), instruction);
  if (h.stale_since != 0)
    line += fmt::format("; stale since event {}: vCPU {} changed the PTE at {:#x} at rip {:#x}: {}",
                        h.stale_since, h.stale_by_vcpu, h.entry.leaf_address().value(),
                        h.stale_by_rip.value(), stale_by_instruction);
  return line;
}

void HazardLog::on_event(const mmu::Event& event) {
  if (event.kind != mmu::EventKind::hazard || out_ == nullptr) return;
  unsigned& printed = printed_.at(static_cast<std::size_t>(event.hazard));
  if (++printed > kLinesPerKind) {
    if (printed == kLinesPerKind + 1)
      std::fprintf(out_, "shadowtlb: hazard: more %s hazards follow: see the JSON summary (--json)\n",
                   std::string(mmu::hazard_kind_name(event.hazard)).c_str());
    return;
  }
  // The event carries what a live line needs; the full chain (who made the
  // entry stale, with which instruction) is in the run's hazard list.
  // A hazard found by a page-table change or a free has no guest instruction.
  std::string where = event.rip.value() == 0
                          ? std::string()
                          : fmt::format(" at rip {:#x}: {}", event.rip.value(),
                                        describe_instruction(memory_, code_root_, event.rip));
  std::string line = fmt::format("{}: vCPU {} va {:#x} -> frame {:#x}{}{}",
                                 mmu::hazard_kind_name(event.hazard), event.vcpu, event.va.value(),
                                 event.pa.value(), where,
                                 event.cause != 0 ? fmt::format(" (follows event {})", event.cause) : "");
  std::fprintf(out_, "shadowtlb: hazard: %s\n", line.c_str());
}

}  // namespace shadowtlb::vmm
