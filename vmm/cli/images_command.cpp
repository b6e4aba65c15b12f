// The `images` subcommand: each built-in image with its description and machine defaults.
#include "vmm/cli/images_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "vmm/builder/manifest.h"
#include "vmm/builder/settings.h"
#include "vmm/builder/size.h"
#include "vmm/cli/error_exit.h"
#include "vmm/cli/json_summary.h"
#include "vmm/images/builtin_images.h"

namespace shadowtlb::vmm::cli {
namespace {

struct ImageRow {
  std::string name;
  std::string description;
  VmConfig defaults;  // VMM defaults with the image's manifest applied
  std::size_t elf_bytes = 0;
};

ImageRow describe(const BuiltinImage& image) {
  const std::string origin = fmt::format("built-in image '{}'", image.name);
  const proto::ImageManifest manifest = parse_manifest(image.manifest_text, origin);
  ImageRow row;
  row.name = std::string(image.name);
  row.description = manifest.description();
  apply_manifest(manifest, origin, row.defaults);
  row.elf_bytes = image.elf.size();
  return row;
}

void print_table(const std::vector<ImageRow>& rows) {
  if (rows.empty()) {
    fmt::print("no built-in images (this shadowtlb was built without guest images)\n");
    return;
  }
  std::size_t width = 4;
  for (const ImageRow& row : rows) width = std::max(width, row.name.size());
  fmt::print("{:<{}}  {:>5}  {:>7}  {}\n", "NAME", width, "VCPUS", "MEM", "DESCRIPTION");
  for (const ImageRow& row : rows) {
    fmt::print("{:<{}}  {:>5}  {:>7}  {}\n", row.name, width, row.defaults.vcpus,
               fmt::format("{}M", row.defaults.mem_bytes >> 20), row.description);
  }
  fmt::print("\nRun one with: shadowtlb run NAME [--vcpus N] [--mem SIZE]\n");
}

Json rows_json(const std::vector<ImageRow>& rows) {
  Json images = Json::array();
  for (const ImageRow& row : rows) {
    images.push_back({{"name", row.name},
                      {"description", row.description},
                      {"vcpus", row.defaults.vcpus},
                      {"mem_bytes", row.defaults.mem_bytes},
                      {"cmdline", row.defaults.cmdline},
                      {"elf_bytes", row.elf_bytes}});
  }
  return {{"images", std::move(images)}};
}

}  // namespace

CLI::App* add_images_command(CLI::App& app, ImagesOptions& options) {
  CLI::App* images = app.add_subcommand("images", "List the guest images built into shadowtlb");
  images->add_flag("--json", options.json, "Print the list as one JSON object");
  return images;
}

int images_command(const ImagesOptions& options) {
  try {
    std::vector<ImageRow> rows;
    for (const BuiltinImage& image : builtin_images()) rows.push_back(describe(image));
    if (options.json) {
      std::fputs(dump_summary(rows_json(rows)).c_str(), stdout);
    } else {
      print_table(rows);
    }
    return kExitOk;
  } catch (const std::exception& error) {
    // Only a broken build gets here (a built-in manifest that does not parse).
    const ErrorExit exit = describe_error(error);
    print_error(exit.message);
    return exit.code;
  }
}

}  // namespace shadowtlb::vmm::cli
