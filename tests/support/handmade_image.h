// A machine for a few hand-assembled instruction bytes: one PT_LOAD segment
// at 1 MiB holding `code`, entry there, 8 MiB of RAM, console off.
#pragma once

#include <elf.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "vmm/boot/elf_builder.h"
#include "vmm/builder/vm_config.h"

namespace shadowtlb::test {

inline vmm::VmConfig handmade_config(const std::vector<std::uint8_t>& code, unsigned vcpus,
                                     std::chrono::seconds timeout) {
  ElfBuilder b;
  b.segment({0x100000, 0x100000, code.size(), 0x1000, PF_R | PF_X, PT_LOAD, code});
  b.entry(0x100000);
  vmm::VmConfig config;
  config.image_name = "handmade";
  config.image = b.build();
  config.vcpus = vcpus;
  config.mem_bytes = 8 << 20;
  config.echo_console = false;
  config.timeout = timeout;
  return config;
}

}  // namespace shadowtlb::test
