// Prints each hazard on stderr the moment the model detects it.
#pragma once

#include <array>
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

  // Lines printed per hazard kind; the rest are counted in the JSON summary
  // (a 2 MiB page freed under a TLB entry is 512 freed_frame_reachable hazards).
  static constexpr unsigned kLinesPerKind = 8;

 private:
  const GuestMemory& memory_;
  GuestPhysAddr code_root_;
  std::FILE* out_;
  std::array<unsigned, 8> printed_{};  // by HazardKind (on_event runs under the model's lock)
};

// One line: kind, vCPU, address, frame, instruction; then what made it stale.
[[nodiscard]] std::string format_hazard(const mmu::Hazard& hazard, std::string_view instruction,
                                        std::string_view stale_by_instruction);

}  // namespace shadowtlb::vmm
