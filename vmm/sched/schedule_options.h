// How a run is scheduled: free-running or controlled, the steps, recording,
// delays. Part of VmConfig; the CLI and manifests fill it (vmm/builder).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "proto/schedule.pb.h"

namespace shadowtlb::vmm::sched {

enum class ScheduleMode {
  free,        // every vCPU runs at once, as on hardware
  controlled,  // exactly one vCPU runs between scheduling points
};

// --delay MARK=DURATION, by mark name (std::less<> finds a string_view).
using DelayMap = std::map<std::string, std::chrono::nanoseconds, std::less<>>;

// A controlled run's step that yields this often without reaching its mark
// can never be reached: the vCPU waits for something only another vCPU can do.
inline constexpr std::uint64_t kDefaultYieldBudget = 20'000;

struct ScheduleOptions {
  ScheduleMode mode = ScheduleMode::free;
  // Controlled runs: the steps; an empty Schedule is the default policy only.
  proto::Schedule steps;
  std::string origin;  // where the steps came from, for messages ("--schedule race.textproto")
  // The image's own marks (manifest `marks`); the kernel's are abi/marks.h.
  std::vector<std::string> image_marks;
  // Free-running runs: the vCPU that reaches a mark sleeps this long in the VMM.
  DelayMap delays;
  // Controlled runs: write the run as a points-based Schedule textproto here.
  std::string record_path;
  std::uint64_t yield_budget = kDefaultYieldBudget;
};

[[nodiscard]] inline bool is_controlled(const ScheduleOptions& options) {
  return options.mode == ScheduleMode::controlled;
}

}  // namespace shadowtlb::vmm::sched
