// Every image embedded in the binary has a valid manifest and an ELF that fits its defaults.
#include "vmm/images/builtin_images.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "vmm/boot/elf_image.h"
#include "vmm/builder/manifest.h"
#include "vmm/builder/settings.h"

namespace shadowtlb::vmm {
namespace {

TEST(BuiltinImages, LookupMatchesTable) {
  EXPECT_EQ(find_builtin_image("no-such-image"), nullptr);
  EXPECT_EQ(find_builtin_image(""), nullptr);
  std::set<std::string> names;
  for (const BuiltinImage& image : builtin_images()) {
    EXPECT_EQ(find_builtin_image(image.name), &image);
    EXPECT_TRUE(names.insert(std::string(image.name)).second) << "duplicate " << image.name;
  }
}

TEST(BuiltinImages, EachIsValid) {
  if (builtin_images().empty()) GTEST_SKIP() << "this build embeds no guest images";
  for (const BuiltinImage& image : builtin_images()) {
    SCOPED_TRACE(std::string(image.name));
    const auto manifest = parse_manifest(image.manifest_text, image.name);
    if (!manifest.name().empty()) {
      EXPECT_EQ(manifest.name(), image.name);
    }
    EXPECT_FALSE(manifest.description().empty()) << "`shadowtlb images` shows the description";
    VmConfig defaults;
    apply_manifest(manifest, image.name, defaults);
    const ElfImage elf = parse_elf_image(image.elf);
    EXPECT_NO_THROW(check_image_placement(elf, defaults.mem_bytes));
  }
}

}  // namespace
}  // namespace shadowtlb::vmm
