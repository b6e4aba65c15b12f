// Reads a struct guest_report out of guest memory, trusting none of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shadow_mmu/address.h"
#include "vmm/memory/guest_memory.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm {

// nullopt if the struct is not inside guest RAM or its kind is unknown.
[[nodiscard]] std::optional<GuestReport> read_guest_report(const GuestMemory& memory,
                                                           GuestPhysAddr pa, unsigned vcpu);

// A NUL-terminated guest string of at most max_len bytes (truncated, not trusted).
[[nodiscard]] std::optional<std::string> read_guest_string(const GuestMemory& memory,
                                                           GuestPhysAddr pa, std::size_t max_len);

// "#PF (page fault)" for vector 14, "vector 200" for an unknown one.
[[nodiscard]] std::string exception_name(std::uint64_t vector);

}  // namespace shadowtlb::vmm
