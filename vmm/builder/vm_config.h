// Everything needed to build and run one VM, after the CLI and a manifest are merged.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace shadowtlb::vmm {

struct VmConfig {
  std::string image_name;             // shown in messages and the JSON summary
  std::vector<std::byte> image;       // the ELF64 x86-64 file's bytes
  unsigned vcpus = 2;
  std::uint64_t mem_bytes = 64ull << 20;
  std::string cmdline;
  std::chrono::milliseconds timeout{120'000};  // wall-clock limit for the run
  std::uint64_t seed = 1;
  bool echo_console = true;           // echo the guest serial console on the host
  bool console_to_stderr = false;     // echo on stderr (keeps stdout for --json)
};

}  // namespace shadowtlb::vmm
