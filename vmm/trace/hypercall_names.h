// Hypercall numbers (abi/hypercall.h) as the trace names them.
#pragma once

#include <cstdint>
#include <string_view>

namespace shadowtlb::trace {

// "HC_MMU_SHOOTDOWN"; "HC_UNKNOWN" for a number the ABI does not define.
[[nodiscard]] std::string_view hypercall_name(std::uint32_t nr);
// How many of the six argument registers the call reads (6 for an unknown one).
[[nodiscard]] unsigned hypercall_arg_count(std::uint32_t nr);

}  // namespace shadowtlb::trace
