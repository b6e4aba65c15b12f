// Every vCPU's TLB as text: what --dump-tlb-at prints at a mark.
#pragma once

#include <string>

#include "shadow_mmu/tlb_entry.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm {

// "  va 0x400000 4K -> 0x1234000 RW dirty   current  filled@12 pte@0x5008"
[[nodiscard]] std::string format_tlb_entry(const mmu::TlbEntry& entry);

// A heading naming the mark, then each vCPU's root and entries.
[[nodiscard]] std::string format_tlb_dump(const TlbDump& dump);

}  // namespace shadowtlb::vmm
