// Manifest loading: protobuf TextFormat with errors turned into one-line ConfigErrors.
#include "vmm/builder/manifest.h"

#include "vmm/builder/text_proto.h"

namespace shadowtlb::vmm {

proto::ImageManifest parse_manifest(std::string_view text, std::string_view source) {
  proto::ImageManifest manifest;
  parse_text_proto(text, source, "manifest", manifest);
  return manifest;
}

proto::ImageManifest load_manifest(const std::filesystem::path& path) {
  return parse_manifest(read_text_file(path, "manifest"), path.string());
}

}  // namespace shadowtlb::vmm
