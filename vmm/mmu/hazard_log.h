// Prints each hazard on stderr the moment the model detects it.
#pragma once

#include <cstdio>

#include "shadow_mmu/events.h"
#include "vmm/memory/guest_memory.h"

namespace shadowtlb::vmm {

class HazardLog final : public mmu::EventSink {
 public:
  // `code_root`: page tables through which guest kernel code can be read
  // (the boot tables map the kernel image), for disassembling RIPs.
  HazardLog(const GuestMemory& memory, GuestPhysAddr code_root, std::FILE* out)
      : memory_(memory), code_root_(code_root), out_(out) {}

  void on_event(const mmu::Event& event) override;

 private:
  const GuestMemory& memory_;
  GuestPhysAddr code_root_;
  std::FILE* out_;
};

// One line: kind, vCPU, address, frame, instruction; then what made it stale.
[[nodiscard]] std::string format_hazard(const mmu::Hazard& hazard, std::string_view instruction,
                                        std::string_view stale_by_instruction);

}  // namespace shadowtlb::vmm
