// Image resolution: built-in images, manifests and ELF files, then the merged VmConfig.
#include "vmm/builder/image_source.h"

#include <elf.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "abi/memory_layout.h"
#include "vmm/boot/elf_image.h"
#include "vmm/builder/manifest.h"
#include "vmm/errors.h"
#include "vmm/images/builtin_images.h"
#include "vmm/sched/schedule_validation.h"

namespace shadowtlb::vmm {
namespace {

namespace fs = std::filesystem;

// A file larger than the largest guest RAM cannot be an image that fits it,
// and reading it whole would only exhaust host memory.
constexpr std::uintmax_t kMaxFileBytes = abi::RAM_MAX;

bool has_elf_magic(std::span<const std::byte> bytes) {
  return bytes.size() >= SELFMAG && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

bool has_manifest_extension(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".textproto" || ext == ".pbtxt";
}

// Reads a whole regular file; `shown` is how messages name it.
std::vector<std::byte> read_file(const fs::path& path, std::string_view shown) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw ConfigError(fmt::format("image '{}': not a regular file", shown));
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) throw ConfigError(fmt::format("image '{}': {}", shown, ec.message()));
  if (size > kMaxFileBytes)
    throw ImageError(fmt::format("{}: {} bytes is larger than any guest RAM", shown, size));

  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("image '{}': cannot open: {}", shown, std::strerror(errno)));
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size()))
    throw ConfigError(fmt::format("image '{}': short read", shown));
  return bytes;
}

std::string_view as_text(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool is_builtin_name(std::string_view name) {
  return name.find('/') == std::string_view::npos && find_builtin_image(name) != nullptr;
}

ImageSource from_builtin(const BuiltinImage& image) {
  ImageSource source;
  source.name = std::string(image.name);
  source.elf.assign(image.elf.begin(), image.elf.end());
  const std::string origin = fmt::format("built-in image '{}'", image.name);
  source.layers.push_back({parse_manifest(image.manifest_text, origin), origin});
  return source;
}

// A manifest's image: a built-in name, or an ELF path relative to the manifest.
ImageSource from_manifest(proto::ImageManifest manifest, const fs::path& manifest_path,
                          std::string_view argument) {
  const std::string origin = manifest_path.string();
  if (manifest.image().empty())
    throw ConfigError(fmt::format("{}: the manifest names no image (add: image: \"...\")", origin));

  ImageSource source;
  if (is_builtin_name(manifest.image())) {
    source = from_builtin(*find_builtin_image(manifest.image()));
  } else {
    const fs::path elf_path = manifest_path.parent_path() / manifest.image();
    std::error_code ec;
    if (!fs::exists(elf_path, ec))
      throw ConfigError(fmt::format("{}: image '{}': not a built-in image (see 'shadowtlb images'), "
                                    "and no such file {}", origin, manifest.image(),
                                    elf_path.string()));
    source.elf = read_file(elf_path, elf_path.string());
    if (!has_elf_magic(source.elf))
      throw ImageError(fmt::format("{}: image {} is not an ELF file (no ELF magic at the start)",
                                   origin, elf_path.string()));
  }
  source.name = manifest.name().empty() ? std::string(argument) : manifest.name();
  source.layers.push_back({std::move(manifest), origin});
  return source;
}

}  // namespace

ImageSource resolve_image_source(std::string_view argument) {
  if (argument.empty()) throw ConfigError("no image given (see 'shadowtlb images')");
  if (is_builtin_name(argument)) return from_builtin(*find_builtin_image(argument));

  const fs::path path{std::string(argument)};
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw ConfigError(fmt::format("unknown image '{}': not a built-in image (see 'shadowtlb "
                                  "images'), and no such file", argument));
  std::vector<std::byte> bytes = read_file(path, argument);
  if (has_elf_magic(bytes)) return ImageSource{std::string(argument), std::move(bytes), {}};
  if (bytes.empty()) throw ImageError(fmt::format("{}: empty file, not an ELF image", argument));

  if (has_manifest_extension(path))
    return from_manifest(parse_manifest(as_text(bytes), argument), path, argument);
  // Any other name: a manifest only if its text parses as one and names an
  // image; otherwise the user most likely meant it as an ELF.
  try {
    proto::ImageManifest manifest = parse_manifest(as_text(bytes), argument);
    if (!manifest.image().empty()) return from_manifest(std::move(manifest), path, argument);
  } catch (const ConfigError&) {
  }
  throw ImageError(fmt::format("{}: not an ELF file (no ELF magic at the start) nor an image "
                               "manifest", argument));
}

VmConfig make_vm_config(std::string_view argument, const CliOverrides& overrides) {
  ImageSource source = resolve_image_source(argument);
  VmConfig config;
  config.image_name = std::move(source.name);
  for (const ManifestLayer& layer : source.layers) apply_manifest(layer.manifest, layer.origin, config);
  apply_cli_overrides(overrides, config);
  // Only now are all the image's marks known (every layer may declare some).
  sched::validate_schedule_options(config.sched, config.vcpus);
  config.image = std::move(source.elf);

  try {
    const ElfImage elf = parse_elf_image(config.image);
    check_image_placement(elf, config.mem_bytes);
  } catch (const ImageError& e) {
    throw ImageError(fmt::format("{}: {}", config.image_name, e.what()));
  }
  return config;
}

}  // namespace shadowtlb::vmm
