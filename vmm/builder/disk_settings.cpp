// Validating block-device sizes and the disk path before anything is opened.
#include "vmm/builder/disk_settings.h"

#include <fmt/format.h>

#include "vmm/builder/size.h"
#include "vmm/devices/block_devices.h"
#include "vmm/errors.h"

namespace shadowtlb::vmm {

std::uint64_t checked_disk_size(std::string_view text, std::string_view what) {
  const std::uint64_t bytes = parse_size(text, what);
  if (bytes > kMaxBlockDeviceBytes)
    throw ConfigError(fmt::format("{} {}: a block device can be at most {}", what, text,
                                  format_size(kMaxBlockDeviceBytes)));
  // The guest moves whole blocks; a partial one could never be used.
  if (bytes % kBlockSize != 0)
    throw ConfigError(
        fmt::format("{} {}: a block device must be a multiple of 4 KiB (e.g. 16M)", what, text));
  return bytes;
}

std::uint64_t checked_swap_size(std::string_view text, std::string_view what) {
  if (text == "0") return 0;
  return checked_disk_size(text, what);
}

std::string checked_disk_path(std::string_view text, std::string_view what) {
  if (text.empty()) throw ConfigError(fmt::format("{}: the disk file's path is empty", what));
  if (text.find('\0') != std::string_view::npos)
    throw ConfigError(fmt::format("{}: a path cannot contain a NUL byte", what));
  return std::string(text);
}

}  // namespace shadowtlb::vmm
