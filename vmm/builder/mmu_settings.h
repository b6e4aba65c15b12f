// The TLB-model options (--tlb, --tlb-capacity, --tlb-evict, --enforce), checked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vmm/builder/vm_config.h"

namespace shadowtlb::vmm {

// Each parser names the option (`what`) and the accepted values in its error.
// "architectural" | "coherent" | "off" (no model: the guest's tables are real).
void apply_tlb_mode(std::string_view text, std::string_view what, MmuOptions& mmu);
[[nodiscard]] mmu::EvictPolicy parse_evict_policy(std::string_view text, std::string_view what);
[[nodiscard]] mmu::EnforcePolicy parse_enforce_policy(std::string_view text, std::string_view what);
[[nodiscard]] std::size_t checked_tlb_capacity(std::int64_t entries, std::string_view what);

// Names as the options spell them, for summaries.
[[nodiscard]] std::string_view tlb_mode_name(const MmuOptions& mmu);
[[nodiscard]] std::string_view evict_policy_name(mmu::EvictPolicy policy);
[[nodiscard]] std::string_view enforce_policy_name(mmu::EnforcePolicy policy);

}  // namespace shadowtlb::vmm
