// Step progress: marks counted, yields budgeted, recorded points checked.
#include "vmm/sched/step_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace shadowtlb::vmm::sched {

std::string describe_step(const proto::Step& step) {
  if (step.points() != 0)
    return fmt::format("vCPU {} for {} point{}, last '{}'", step.vcpu(), step.points(),
                       step.points() == 1 ? "" : "s", step.last_point());
  if (step.until_mark().empty()) return fmt::format("vCPU {} with no condition", step.vcpu());
  std::string text = fmt::format("vCPU {} until mark '{}'", step.vcpu(), step.until_mark());
  if (step.count() > 1) text += fmt::format(" (time {})", step.count());
  if (step.or_blocked()) text += " or blocked";
  return text;
}

std::string name_step(std::size_t index, const proto::Step& step) {
  return fmt::format("schedule step {} ({})", index + 1, describe_step(step));
}

StepPlan::StepPlan(proto::Schedule schedule, std::uint64_t yield_budget)
    : schedule_(std::move(schedule)),
      yield_budget_(yield_budget),
      begun_(schedule_.begin_mark().empty()) {}

std::optional<unsigned> StepPlan::wanted() const {
  if (!begun_ || index_ >= step_count()) return std::nullopt;
  return steps()[static_cast<int>(index_)].vcpu();
}

std::optional<std::string> StepPlan::observe(unsigned vcpu, const Point& point) {
  if (!begun_) {
    // The begin mark opens the steps; the step counts start after it.
    begun_ = point.kind == PointKind::mark && point.mark == schedule_.begin_mark();
    return std::nullopt;
  }
  if (index_ >= step_count()) return std::nullopt;
  const proto::Step& step = steps()[static_cast<int>(index_)];
  // Another vCPU runs only while the step's has not started (default policy).
  if (step.vcpu() != vcpu) return std::nullopt;
  return step.points() != 0 ? observe_points(step, point) : observe_mark(step, point);
}

std::optional<std::string> StepPlan::observe_points(const proto::Step& step, const Point& point) {
  ++points_;
  const bool ended = point.kind == PointKind::halt || point.kind == PointKind::exit;
  if (points_ < step.points()) {
    if (!ended) return std::nullopt;
    return fmt::format("schedule replay diverged at step {} ({}): point {} of vCPU {} was '{}'",
                       index_ + 1, describe_step(step), points_, step.vcpu(), point_name(point));
  }
  if (!point_matches(point, step.last_point()))
    return fmt::format("schedule replay diverged at step {} ({}): point {} of vCPU {} was '{}'",
                       index_ + 1, describe_step(step), points_, step.vcpu(), point_name(point));
  advance();
  return std::nullopt;
}

std::optional<std::string> StepPlan::observe_mark(const proto::Step& step, const Point& point) {
  switch (point.kind) {
    case PointKind::mark:
      if (point.mark == step.until_mark() && ++hits_ >= std::max<std::uint64_t>(step.count(), 1))
        advance();
      return std::nullopt;
    case PointKind::yield:
      if (step.or_blocked()) {
        advance();
        return std::nullopt;
      }
      if (++yields_ < yield_budget_) return std::nullopt;
      return error(fmt::format("cannot be reached: vCPU {} keeps waiting ({} yields)", step.vcpu(),
                               yields_));
    case PointKind::halt:
      return error(fmt::format("never reached: vCPU {} halted first", step.vcpu()));
    default:
      return std::nullopt;
  }
}

std::optional<std::string> StepPlan::unfinished(std::string_view reason) const {
  if (index_ >= step_count()) return std::nullopt;
  std::string text = error(fmt::format("never reached: {}", reason));
  if (!begun_)
    text += fmt::format(" (the steps begin at mark '{}', which no vCPU reached)",
                        schedule_.begin_mark());
  return text;
}

std::optional<std::string> StepPlan::current_step() const {
  if (index_ >= step_count()) return std::nullopt;
  return name_step(index_, steps()[static_cast<int>(index_)]);
}

void StepPlan::advance() {
  ++index_;
  hits_ = yields_ = points_ = 0;
}

std::string StepPlan::error(std::string_view what) const {
  return fmt::format("{}: {}", name_step(index_, steps()[static_cast<int>(index_)]), what);
}

}  // namespace shadowtlb::vmm::sched
