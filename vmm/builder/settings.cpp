// Validating and layering vCPU count, RAM size, command line, timeout and seed.
#include "vmm/builder/settings.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "abi/boot_info.h"
#include "abi/memory_layout.h"
#include "vmm/builder/disk_settings.h"
#include "vmm/builder/mmu_settings.h"
#include "vmm/builder/size.h"
#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

// A day is far beyond any test, and keeps the milliseconds count in range.
constexpr double kMaxTimeoutSeconds = 24 * 60 * 60;

unsigned checked_vcpus(std::int64_t count, std::string_view what) {
  if (count < 1 || count > abi::MAX_VCPUS)
    throw ConfigError(fmt::format("{} {}: the number of vCPUs must be between 1 and {}", what,
                                  count, abi::MAX_VCPUS));
  return static_cast<unsigned>(count);
}

std::uint64_t checked_mem(std::string_view text, std::string_view what) {
  const std::uint64_t bytes = parse_size(text, what);
  if (bytes < abi::RAM_MIN)
    throw ConfigError(fmt::format("{} {}: guest RAM must be at least {}", what, text,
                                  format_size(abi::RAM_MIN)));
  if (bytes > abi::RAM_MAX)
    throw ConfigError(fmt::format("{} {}: guest RAM can be at most {}", what, text,
                                  format_size(abi::RAM_MAX)));
  // KVM memslots are made of whole pages.
  if (bytes % abi::PAGE_SIZE != 0)
    throw ConfigError(fmt::format("{} {}: guest RAM must be a multiple of 4 KiB (e.g. 64M)", what,
                                  text));
  return bytes;
}

std::string checked_cmdline(std::string_view text, std::string_view what) {
  if (text.size() >= abi::CMDLINE_MAX)
    throw ConfigError(fmt::format("{}: {} bytes; the guest command line holds at most {}", what,
                                  text.size(), abi::CMDLINE_MAX - 1));
  if (text.find('\0') != std::string_view::npos)
    throw ConfigError(fmt::format("{}: the guest command line cannot contain a NUL byte", what));
  return std::string(text);
}

std::chrono::milliseconds checked_timeout(double seconds, std::string_view what) {
  if (!std::isfinite(seconds) || seconds <= 0 || seconds > kMaxTimeoutSeconds)
    throw ConfigError(fmt::format("{} {}: the timeout must be more than 0 and at most {} seconds",
                                  what, seconds, kMaxTimeoutSeconds));
  // Round up so that a tiny positive timeout never becomes "no time at all".
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000)));
}

}  // namespace

void apply_manifest(const proto::ImageManifest& manifest, std::string_view origin,
                    VmConfig& config) {
  if (manifest.vcpus() != 0)
    config.vcpus = checked_vcpus(manifest.vcpus(), fmt::format("{}: vcpus", origin));
  if (!manifest.mem().empty())
    config.mem_bytes = checked_mem(manifest.mem(), fmt::format("{}: mem", origin));
  if (!manifest.cmdline().empty())
    config.cmdline = checked_cmdline(manifest.cmdline(), fmt::format("{}: cmdline", origin));
  if (manifest.timeout_s() != 0)
    config.timeout = checked_timeout(manifest.timeout_s(), fmt::format("{}: timeout_s", origin));
  if (manifest.seed() != 0) config.seed = manifest.seed();
  if (!manifest.tlb().empty()) apply_tlb_mode(manifest.tlb(), fmt::format("{}: tlb", origin), config.mmu);
  if (manifest.tlb_capacity() != 0)
    config.mmu.capacity =
        checked_tlb_capacity(manifest.tlb_capacity(), fmt::format("{}: tlb_capacity", origin));
  if (!manifest.tlb_evict().empty())
    config.mmu.evict = parse_evict_policy(manifest.tlb_evict(), fmt::format("{}: tlb_evict", origin));
  if (!manifest.enforce().empty())
    config.mmu.enforce = parse_enforce_policy(manifest.enforce(), fmt::format("{}: enforce", origin));
  if (!manifest.disk_size().empty())
    config.disks.disk_bytes =
        checked_disk_size(manifest.disk_size(), fmt::format("{}: disk_size", origin));
  if (!manifest.swap_size().empty())
    config.disks.swap_bytes =
        checked_swap_size(manifest.swap_size(), fmt::format("{}: swap_size", origin));
  apply_schedule_manifest(manifest, origin, config.sched);
}

void apply_cli_overrides(const CliOverrides& overrides, VmConfig& config) {
  if (overrides.vcpus) config.vcpus = checked_vcpus(*overrides.vcpus, "--vcpus");
  if (overrides.mem) config.mem_bytes = checked_mem(*overrides.mem, "--mem");
  // Appended, not replaced: the manifest's keys stay (race.fadvise_cpu=2 of
  // mremap-race-3t), and the guest lets the last occurrence of a key win.
  if (overrides.cmdline)
    config.cmdline = checked_cmdline(
        config.cmdline.empty() ? *overrides.cmdline : config.cmdline + " " + *overrides.cmdline,
        "--cmdline");
  if (overrides.timeout_s) config.timeout = checked_timeout(*overrides.timeout_s, "--timeout");
  if (overrides.seed) config.seed = *overrides.seed;
  if (overrides.tlb) apply_tlb_mode(*overrides.tlb, "--tlb", config.mmu);
  if (overrides.tlb_capacity)
    config.mmu.capacity = checked_tlb_capacity(*overrides.tlb_capacity, "--tlb-capacity");
  if (overrides.tlb_evict) config.mmu.evict = parse_evict_policy(*overrides.tlb_evict, "--tlb-evict");
  if (overrides.enforce) config.mmu.enforce = parse_enforce_policy(*overrides.enforce, "--enforce");
  for (const std::string& mark : overrides.dump_tlb_at) {
    if (mark.empty() || mark.size() > 127)
      throw ConfigError("--dump-tlb-at: a mark name is 1 to 127 characters");
    config.mmu.dump_tlb_at.push_back(mark);
  }
  if (overrides.disk) config.disks.path = checked_disk_path(*overrides.disk, "--disk");
  if (overrides.disk_size)
    config.disks.disk_bytes = checked_disk_size(*overrides.disk_size, "--disk-size");
  if (overrides.swap_size)
    config.disks.swap_bytes = checked_swap_size(*overrides.swap_size, "--swap-size");
  apply_schedule_overrides(overrides.schedule, config.sched);
}

}  // namespace shadowtlb::vmm
