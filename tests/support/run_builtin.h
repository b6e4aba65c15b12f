// Running a built-in guest image from a test, and reading what it reported.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include "vmm/images/builtin_images.h"
#include "vmm/runtime/machine.h"

namespace shadowtlb::test {

// A VmConfig for built-in image `name` on `vcpus` vCPUs, console off.
inline vmm::VmConfig builtin_config(std::string_view name, unsigned vcpus,
                                    std::string cmdline = "") {
  const vmm::BuiltinImage* image = vmm::find_builtin_image(name);
  if (image == nullptr) throw std::runtime_error("no built-in image " + std::string(name));
  vmm::VmConfig config;
  config.image_name = std::string(name);
  config.image.assign(image->elf.begin(), image->elf.end());
  config.vcpus = vcpus;
  config.cmdline = std::move(cmdline);
  config.echo_console = false;
  config.timeout = std::chrono::seconds(120);
  return config;
}

// REPORT_VALUE reports by name (the last one wins if a name repeats).
inline std::map<std::string, std::uint64_t> values_of(const vmm::RunResult& r) {
  std::map<std::string, std::uint64_t> values;
  for (const vmm::GuestReport& report : r.reports)
    if (report.kind == abi::REPORT_VALUE) values[report.name] = report.values[0];
  return values;
}

}  // namespace shadowtlb::test
