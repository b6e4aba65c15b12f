// Parsing the scheduling options and layering them.
#include "vmm/builder/schedule_settings.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "vmm/builder/text_proto.h"
#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

using std::chrono::nanoseconds;

// A delay longer than this is a typo, and would outlast most timeouts.
constexpr nanoseconds kMaxDelay = std::chrono::seconds(60);

struct Unit {
  std::string_view suffix;
  double ns;
};
// Longest suffixes first, so "ms" is not read as "s".
constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};

void set_delay(std::string_view spec, sched::DelayMap& delays) {
  const std::size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw ConfigError(fmt::format("--delay '{}': expected MARK=DURATION (e.g. move_ptes.unlock=10ms)",
                                  spec));
  const std::string_view mark = spec.substr(0, eq);
  const nanoseconds delay = parse_duration(spec.substr(eq + 1), fmt::format("--delay {}", mark));
  if (!delays.emplace(std::string(mark), delay).second)
    throw ConfigError(fmt::format("--delay {}: given twice", mark));
}

}  // namespace

proto::Schedule parse_schedule(std::string_view text, std::string_view source) {
  proto::Schedule schedule;
  parse_text_proto(text, source, "schedule", schedule);
  return schedule;
}

proto::Schedule load_schedule(const std::filesystem::path& path) {
  return parse_schedule(read_text_file(path, "schedule"), path.string());
}

nanoseconds parse_duration(std::string_view text, std::string_view what) {
  for (const Unit& unit : kUnits) {
    if (!text.ends_with(unit.suffix)) continue;
    const std::string_view number = text.substr(0, text.size() - unit.suffix.size());
    double value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
        !std::isfinite(value))
      break;
    const double ns = value * unit.ns;
    if (ns < 1 || ns > static_cast<double>(kMaxDelay.count()))
      throw ConfigError(fmt::format("{}={}: a delay is at least 1ns and at most 60s", what, text));
    return nanoseconds(static_cast<std::int64_t>(std::llround(ns)));
  }
  throw ConfigError(fmt::format(
      "{}={}: not a duration (a number with ns, us, ms or s, e.g. 10ms)", what, text));
}

void apply_schedule_manifest(const proto::ImageManifest& manifest, std::string_view origin,
                             sched::ScheduleOptions& options) {
  options.image_marks.insert(options.image_marks.end(), manifest.marks().begin(),
                             manifest.marks().end());
  if (!manifest.has_schedule()) return;
  options.mode = sched::ScheduleMode::controlled;
  options.steps = manifest.schedule();
  options.origin = std::string(origin);
}

void apply_schedule_overrides(const ScheduleOverrides& overrides, sched::ScheduleOptions& options) {
  if (const auto& schedule = overrides.schedule) {
    if (schedule->empty())
      throw ConfigError("--schedule: expected free, controlled or a schedule file");
    options.steps.Clear();
    options.origin.clear();
    if (*schedule == "free") {
      options.mode = sched::ScheduleMode::free;
    } else {
      options.mode = sched::ScheduleMode::controlled;
      if (*schedule != "controlled") {
        options.steps = load_schedule(*schedule);
        options.origin = *schedule;
      }
    }
  }
  if (overrides.record) {
    if (overrides.record->empty()) throw ConfigError("--record: the file name is empty");
    options.record_path = *overrides.record;
  }
  for (const std::string& spec : overrides.delays) set_delay(spec, options.delays);
}

}  // namespace shadowtlb::vmm
