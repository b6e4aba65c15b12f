// From the `run` argument (built-in name, manifest, or ELF path) to a VmConfig.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "proto/manifest.pb.h"
#include "vmm/builder/settings.h"
#include "vmm/builder/vm_config.h"

namespace shadowtlb::vmm {

// A manifest that contributes defaults, with the name errors should use for it.
struct ManifestLayer {
  proto::ImageManifest manifest;
  std::string origin;
};

// What a `run` argument resolved to: the ELF bytes and, lowest priority first,
// the manifests whose settings apply (a built-in image's own manifest, then
// the user's manifest that names it).
struct ImageSource {
  std::string name;  // for messages and the JSON summary
  std::vector<std::byte> elf;
  std::vector<ManifestLayer> layers;
};

// Resolves `argument`, in this order:
//   1. a built-in image name (an argument without '/'); write ./smoke for a file;
//   2. a file starting with the ELF magic: that ELF;
//   3. a file named *.textproto / *.pbtxt, or whose text parses as a manifest
//      naming an image: the manifest, whose `image` is a built-in name or a
//      path relative to the manifest's folder.
// Throws ConfigError for an unknown name or a bad manifest, ImageError for a
// file that is neither an ELF nor a manifest.
[[nodiscard]] ImageSource resolve_image_source(std::string_view argument);

// resolve_image_source, then VMM defaults < manifests < `overrides`, then the
// ELF is parsed and checked against the chosen RAM size: everything that can
// be wrong with a run is found here, before KVM is opened.
[[nodiscard]] VmConfig make_vm_config(std::string_view argument, const CliOverrides& overrides);

}  // namespace shadowtlb::vmm
