// `shadowtlb images [--json]`: list the guest images built into the binary.
#pragma once

#include <CLI/CLI.hpp>

namespace shadowtlb::vmm::cli {

struct ImagesOptions {
  bool json = false;
};

CLI::App* add_images_command(CLI::App& app, ImagesOptions& options);

// Prints the list; returns the exit code. Never throws.
[[nodiscard]] int images_command(const ImagesOptions& options);

}  // namespace shadowtlb::vmm::cli
