// The trace file's framing (proto/trace.proto): the magic, then varint-length
// delimited TraceItem messages. Shared by the writer and the reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shadowtlb::trace {

// "SHTLBTR" and the format version, 1.
inline constexpr std::string_view kTraceMagic{"SHTLBTR\x01", 8};
static_assert(kTraceMagic.size() == 8);

// No item the writer produces comes near this; a larger length prefix means
// the file is damaged, not that an item is that big.
inline constexpr std::uint64_t kMaxItemBytes = 256ull << 20;

// Appends `value` as a base-128 varint (protobuf's encoding of a length).
inline void append_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

}  // namespace shadowtlb::trace
