// Guest images compiled into the shadowtlb binary (cmake/EmbedImages.cmake).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace shadowtlb::vmm {

// One built-in image: its ELF and the manifest text giving its defaults
// (description, vCPUs, memory, command line). Both live in the binary's
// read-only data for the life of the process.
struct BuiltinImage {
  std::string_view name;
  std::span<const std::byte> elf;
  std::string_view manifest_text;  // may be empty: then every default is the VMM's
};

// Every built-in image, in the order the build registered them.
[[nodiscard]] std::span<const BuiltinImage> builtin_images();

// The built-in image called `name`, or nullptr.
[[nodiscard]] const BuiltinImage* find_builtin_image(std::string_view name);

namespace detail {
// Defined by the file cmake/EmbedImages.cmake generates.
[[nodiscard]] std::span<const BuiltinImage> embedded_images();
}  // namespace detail

}  // namespace shadowtlb::vmm
