// JSON for the TLB model's part of a run: its options, hazards, TLB dumps.
#pragma once

#include "vmm/builder/vm_config.h"
#include "vmm/cli/json_summary.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm::cli {

[[nodiscard]] Json tlb_options_json(const MmuOptions& mmu);
[[nodiscard]] Json tlb_entry_json(const mmu::TlbEntry& entry);
[[nodiscard]] Json hazard_json(const HazardReport& report);
[[nodiscard]] Json tlb_dump_json(const TlbDump& dump);

}  // namespace shadowtlb::vmm::cli
