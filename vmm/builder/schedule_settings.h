// Scheduling settings layered onto a VmConfig: a manifest's marks and
// built-in schedule, then --schedule, --record and --delay (docs/scheduling.md).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/manifest.pb.h"
#include "proto/schedule.pb.h"
#include "vmm/sched/schedule_options.h"

namespace shadowtlb::vmm {

// A Schedule in protobuf text format; errors as for manifests
// ("<source>:<line>:<column>: <reason>").
[[nodiscard]] proto::Schedule parse_schedule(std::string_view text, std::string_view source);
[[nodiscard]] proto::Schedule load_schedule(const std::filesystem::path& path);

// "10ms", "200us", "1.5s", "500ns": more than 0, at most a minute. `what`
// names the option in errors.
[[nodiscard]] std::chrono::nanoseconds parse_duration(std::string_view text, std::string_view what);

// The manifest's marks add to the image's; its schedule, if it has one,
// makes the run controlled with those steps.
void apply_schedule_manifest(const proto::ImageManifest& manifest, std::string_view origin,
                             sched::ScheduleOptions& options);

// What the user typed for the scheduling options (CliOverrides).
struct ScheduleOverrides {
  std::optional<std::string> schedule;  // "free", "controlled" or a schedule file
  std::optional<std::string> record;    // --record FILE
  std::vector<std::string> delays;      // --delay MARK=DURATION, each
};

// Throws ConfigError naming the option. Marks are checked later, once every
// layer has declared its own (sched::validate_schedule_options).
void apply_schedule_overrides(const ScheduleOverrides& overrides, sched::ScheduleOptions& options);

}  // namespace shadowtlb::vmm
