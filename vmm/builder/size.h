// Memory sizes as users write them ("64M", "1G", "1048576") and as messages print them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shadowtlb::vmm {

// Parses a decimal number of bytes with an optional binary unit: K, M, G or T,
// case-insensitive, optionally followed by "iB" or "B" ("64M", "64MiB", "1g").
// Rejects anything else, zero, and values that do not fit in 64 bits, throwing
// ConfigError that starts with `what` (e.g. "--mem") and quotes the text.
[[nodiscard]] std::uint64_t parse_size(std::string_view text, std::string_view what = "size");

// "64 MiB", "1 GiB", "512 KiB", or "12345 bytes" when no unit divides it.
[[nodiscard]] std::string format_size(std::uint64_t bytes);

}  // namespace shadowtlb::vmm
