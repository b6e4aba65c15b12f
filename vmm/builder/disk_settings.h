// The block-device options (--disk, --disk-size, --swap-size), checked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shadowtlb::vmm {

// Each names the option (`what`) and quotes the text in its ConfigError.
// A size (vmm/builder/size.h) of whole 4 KiB blocks, 4K..4G.
[[nodiscard]] std::uint64_t checked_disk_size(std::string_view text, std::string_view what);
// The same, or "0": no swap device.
[[nodiscard]] std::uint64_t checked_swap_size(std::string_view text, std::string_view what);
// A non-empty host path without NUL bytes; whether it can be opened is found
// when the VM is built (FileDisk::open), still before /dev/kvm is opened.
[[nodiscard]] std::string checked_disk_path(std::string_view text, std::string_view what);

}  // namespace shadowtlb::vmm
