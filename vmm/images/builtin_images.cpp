// Lookup over the generated table of embedded guest images.
#include "vmm/images/builtin_images.h"

#include <algorithm>

namespace shadowtlb::vmm {

std::span<const BuiltinImage> builtin_images() { return detail::embedded_images(); }

const BuiltinImage* find_builtin_image(std::string_view name) {
  const auto images = builtin_images();
  const auto it = std::find_if(images.begin(), images.end(),
                               [&](const BuiltinImage& image) { return image.name == name; });
  return it == images.end() ? nullptr : &*it;
}

}  // namespace shadowtlb::vmm
