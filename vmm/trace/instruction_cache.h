// Instruction bytes and Capstone text at guest RIPs, cached by RIP: a run's
// records name the same few instructions (the PTE store, the faulting access)
// thousands of times.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "shadow_mmu/address.h"
#include "shadow_mmu/phys_memory.h"

namespace shadowtlb::trace {

struct CachedInstruction {
  std::string bytes;  // raw, as fetched (the instruction's length when it decodes)
  std::string text;   // "mov qword ptr [rax], rdx", or why there is none
};

class InstructionCache {
 public:
  // `code_root`: page tables that map the guest's code (the boot tables map
  // the kernel image, where every traced RIP is).
  InstructionCache(const PhysMemory& memory, GuestPhysAddr code_root)
      : memory_(memory), code_root_(code_root) {}

  // Thread-safe. Code is assumed not to change while a run is traced.
  [[nodiscard]] CachedInstruction at(GuestVirtAddr rip);

  // Distinct RIPs kept; past this, lookups are decoded afresh.
  static constexpr std::size_t kMaxEntries = 1 << 16;

 private:
  const PhysMemory& memory_;
  const GuestPhysAddr code_root_;
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, CachedInstruction> cache_;
};

}  // namespace shadowtlb::trace
