// Schedule checks: every message names the step (1-based) and what is wrong.
#include "vmm/sched/schedule_validation.h"

#include <fmt/format.h>

#include <algorithm>

#include "abi/marks.h"
#include "vmm/errors.h"
#include "vmm/sched/step_plan.h"

namespace shadowtlb::vmm::sched {
namespace {

std::string prefixed(const ScheduleOptions& options, std::string_view message) {
  if (options.origin.empty()) return std::string(message);
  return fmt::format("{}: {}", options.origin, message);
}

std::string unknown_mark(std::string_view name) {
  return fmt::format("unknown mark '{}' (neither a kernel mark, see docs/mm.md, nor one the image "
                     "declares in its manifest's marks)",
                     name);
}

void check_step(const ScheduleOptions& options, int index, const proto::Step& step,
                unsigned vcpus) {
  auto fail = [&](std::string_view problem) {
    throw ConfigError(prefixed(
        options, fmt::format("{}: {}", name_step(static_cast<std::size_t>(index), step), problem)));
  };
  if (step.vcpu() >= vcpus)
    fail(fmt::format("vCPU {} does not exist; the machine has {} vCPU{}", step.vcpu(), vcpus,
                     vcpus == 1 ? "" : "s"));
  const bool by_mark = !step.until_mark().empty();
  const bool by_points = step.points() != 0;
  if (by_mark == by_points)
    fail(by_mark ? "until_mark and points exclude each other"
                 : "give until_mark (run until a mark) or points (a recorded step)");
  if (by_mark && !is_known_mark(step.until_mark(), options.image_marks))
    fail(unknown_mark(step.until_mark()));
  if (by_points && !is_point_name(step.last_point()))
    fail(fmt::format("last_point '{}' names no scheduling point (e.g. yield, pte_write, "
                     "mark:NAME)",
                     step.last_point()));
  if (by_points && (step.count() != 0 || step.or_blocked()))
    fail("count and or_blocked belong to until_mark steps");
}

void check_controlled(const ScheduleOptions& options, unsigned vcpus) {
  const proto::Schedule& schedule = options.steps;
  if (!schedule.begin_mark().empty() && !is_known_mark(schedule.begin_mark(), options.image_marks))
    throw ConfigError(prefixed(options, fmt::format("schedule begin_mark: {}",
                                                    unknown_mark(schedule.begin_mark()))));
  for (int i = 0; i < schedule.step_size(); ++i) check_step(options, i, schedule.step(i), vcpus);
  if (!options.delays.empty())
    throw ConfigError(
        "--delay applies to free-running runs; this run is controlled (add --schedule free)");
  if (options.yield_budget == 0) throw ConfigError("the schedule's yield budget must be above 0");
}

void check_free(const ScheduleOptions& options) {
  if (options.steps.step_size() != 0 || !options.steps.begin_mark().empty())
    throw ConfigError(prefixed(options, "a schedule's steps need a controlled run"));
  if (!options.record_path.empty())
    throw ConfigError("--record records a controlled run; this run is free-running");
  for (const auto& [mark, delay] : options.delays) {
    if (!is_known_mark(mark, options.image_marks))
      throw ConfigError(fmt::format("--delay {}: {}", mark, unknown_mark(mark)));
    if (delay.count() <= 0) throw ConfigError(fmt::format("--delay {}: the delay must be above 0", mark));
  }
}

}  // namespace

bool is_known_mark(std::string_view name, const std::vector<std::string>& image_marks) {
  for (const char* mark : abi::KERNEL_MARKS)
    if (name == mark) return true;
  return std::find(image_marks.begin(), image_marks.end(), name) != image_marks.end();
}

void validate_schedule_options(const ScheduleOptions& options, unsigned vcpus) {
  if (is_controlled(options))
    check_controlled(options, vcpus);
  else
    check_free(options);
}

}  // namespace shadowtlb::vmm::sched
