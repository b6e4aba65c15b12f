// Image manifests (proto/manifest.proto) read from protobuf text format.
#pragma once

#include <filesystem>
#include <string_view>

#include "proto/manifest.pb.h"

namespace shadowtlb::vmm {

// Parses manifest text. `source` names it in errors: a ConfigError reads
// "<source>:<line>:<column>: <protobuf's reason>", lines counted from 1.
[[nodiscard]] proto::ImageManifest parse_manifest(std::string_view text, std::string_view source);

// Reads and parses the manifest file at `path`; a file that cannot be read is
// a ConfigError too.
[[nodiscard]] proto::ImageManifest load_manifest(const std::filesystem::path& path);

}  // namespace shadowtlb::vmm
