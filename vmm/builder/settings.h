// Machine settings layered onto a VmConfig: VMM defaults < manifests < command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/manifest.pb.h"
#include "vmm/builder/schedule_settings.h"
#include "vmm/builder/vm_config.h"

namespace shadowtlb::vmm {

// The `run` options a user gave explicitly; an unset field keeps the value the
// manifests (or the VMM defaults) chose. Values are raw so that each error can
// quote what the user typed.
struct CliOverrides {
  std::optional<std::int64_t> vcpus;
  std::optional<std::string> mem;
  std::optional<std::string> cmdline;
  std::optional<double> timeout_s;
  std::optional<std::uint64_t> seed;
  // The TLB model (vmm/builder/mmu_settings.h).
  std::optional<std::string> tlb;
  std::optional<std::int64_t> tlb_capacity;
  std::optional<std::string> tlb_evict;
  std::optional<std::string> enforce;
  std::vector<std::string> dump_tlb_at;  // appended to, never replaced
  // The block devices (vmm/builder/disk_settings.h).
  std::optional<std::string> disk;
  std::optional<std::string> disk_size;
  std::optional<std::string> swap_size;
  // Scheduling (vmm/builder/schedule_settings.h).
  ScheduleOverrides schedule;
};

// Applies every field the manifest sets (proto3: zero or empty means unset).
// `origin` names the manifest in errors ("smoke.textproto", "built-in image
// 'smoke'"). Throws ConfigError for an out-of-range value.
void apply_manifest(const proto::ImageManifest& manifest, std::string_view origin,
                    VmConfig& config);

// Applies the options the user gave; throws ConfigError naming the option.
void apply_cli_overrides(const CliOverrides& overrides, VmConfig& config);

}  // namespace shadowtlb::vmm
