// Picking the hazards behind a bad verdict and telling them in order.
#include "vmm/explain/verdict_explanation.h"

#include <fmt/format.h>

#include <optional>

namespace shadowtlb::vmm {
namespace {

// The first hazard of a kind, preferring one on `frame` when given.
const HazardReport* first_hazard(const RunResult& result, mmu::HazardKind kind,
                                 std::optional<GuestPhysAddr> frame = {}) {
  const HazardReport* any = nullptr;
  for (const HazardReport& h : result.hazards) {
    if (h.hazard.kind != kind) continue;
    if (!frame || h.hazard.frame == *frame) return &h;
    if (any == nullptr) any = &h;
  }
  return any;
}

std::string entry_words(const mmu::TlbEntry& e) {
  return fmt::format("{}{}{} entry", e.writable ? "writable" : "read-only", e.dirty ? ", dirty" : "",
                     e.page_size > 4096 ? ", 2 MiB" : "");
}

void explain_write(std::vector<std::string>& out, const HazardReport& r) {
  const mmu::Hazard& h = r.hazard;
  out.push_back(fmt::format(
      "the write:     vCPU {} wrote to {:#x} (frame {:#x}) through a stale {} at rip {:#x}: {}  "
      "[event {}]",
      h.vcpu, h.va.value(), h.frame.value(), entry_words(h.entry), h.rip.value(), r.instruction,
      h.write_event ? h.write_event : h.seq));
  out.push_back(fmt::format("the entry:     cached by vCPU {} at event {}; the guest page tables no "
                            "longer map {:#x} to that frame",
                            h.vcpu, h.entry.filled_at, h.va.value()));
  if (h.stale_since != 0)
    out.push_back(fmt::format(
        "made stale by: vCPU {}'s page-table write to the paging entry at {:#x}, rip {:#x}: {}  "
        "[event {}]",
        h.stale_by_vcpu, h.entry.leaf_address().value(), h.stale_by_rip.value(),
        r.stale_by_instruction, h.stale_since));
}

void explain_late_flush(std::vector<std::string>& out, const HazardReport* lost) {
  if (lost == nullptr) {
    out.push_back("too late:      no flush removed the stale entry before the write");
    return;
  }
  const mmu::Hazard& h = lost->hazard;
  if (h.removed_at != 0)
    out.push_back(fmt::format(
        "too late:      the entry left vCPU {}'s TLB only at event {}, after the write: the flush "
        "for {:#x} came after the page-table lock was dropped; meanwhile the page was written back "
        "or paged out, so no dirty bit kept the write",
        h.vcpu, h.removed_at, h.va.value()));
  else
    out.push_back(fmt::format("too late:      the entry was still in vCPU {}'s TLB when the run ended",
                              h.vcpu));
}

}  // namespace

std::vector<std::string> explain_verdict(const RunResult& result) {
  if (!result.verdict || result.verdict->ok()) return {};
  const Verdict& v = *result.verdict;
  std::vector<std::string> out;
  out.push_back(fmt::format("{}: {} (reported by vCPU {})", v.name, v.reason, v.vcpu));
  const HazardReport* write = first_hazard(result, mmu::HazardKind::stale_write);
  if (write == nullptr) {
    out.push_back("no stale write was seen by the TLB model (is --tlb architectural on?)");
    return out;
  }
  explain_write(out, *write);
  explain_late_flush(out, first_hazard(result, mmu::HazardKind::lost_dirty_bit));
  if (const HazardReport* freed =
          first_hazard(result, mmu::HazardKind::freed_frame_reachable, write->hazard.frame))
    out.push_back(fmt::format(
        "freed frame:   frame {:#x} was freed while vCPU {}'s TLB still reached it  [event {}]",
        freed->hazard.frame.value(), freed->hazard.vcpu, freed->hazard.seq));
  return out;
}

}  // namespace shadowtlb::vmm
