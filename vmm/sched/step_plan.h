// Where a controlled run stands in its schedule's steps, and what each point
// of the token holder does to them (docs/scheduling.md, "Steps").
//
//   before begin_mark      steps 1..n, in order              after step n
//   ───────────────────►  ─────────────────────────────►  ──────────────────►
//   default policy         only the step's vCPU runs         default policy
//
// Not thread-safe: the ControlledScheduler calls it under its lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "proto/schedule.pb.h"
#include "vmm/sched/point.h"

namespace shadowtlb::vmm::sched {

class StepPlan {
 public:
  StepPlan(proto::Schedule schedule, std::uint64_t yield_budget);

  // The vCPU the current step runs, once the steps have begun and while one
  // remains; nullopt: the default policy decides.
  [[nodiscard]] std::optional<unsigned> wanted() const;

  // Feeds a point reached by `vcpu`, the token holder. Returns an error
  // message when the schedule cannot go on (the yield budget is spent, a
  // replay diverged, the step's vCPU halted before its mark).
  [[nodiscard]] std::optional<std::string> observe(unsigned vcpu, const Point& point);

  // The error for the current step when it can never be reached for
  // `reason` ("the guest exited first"); nullopt when no step remains.
  [[nodiscard]] std::optional<std::string> unfinished(std::string_view reason) const;

  // "schedule step 2 (vCPU 1 until mark 'x')" while a step remains.
  [[nodiscard]] std::optional<std::string> current_step() const;

  [[nodiscard]] bool begun() const { return begun_; }
  [[nodiscard]] bool finished() const { return begun_ && index_ >= step_count(); }
  // 0-based index of the current step (== step count once finished).
  [[nodiscard]] std::size_t index() const { return index_; }

 private:
  [[nodiscard]] const google::protobuf::RepeatedPtrField<proto::Step>& steps() const {
    return schedule_.step();
  }
  [[nodiscard]] std::size_t step_count() const {
    return static_cast<std::size_t>(schedule_.step_size());
  }
  std::optional<std::string> observe_points(const proto::Step& step, const Point& point);
  std::optional<std::string> observe_mark(const proto::Step& step, const Point& point);
  void advance();
  [[nodiscard]] std::string error(std::string_view what) const;

  proto::Schedule schedule_;
  std::uint64_t yield_budget_;
  bool begun_;
  std::size_t index_ = 0;
  // Progress of the current step since it began.
  std::uint64_t hits_ = 0;    // until_mark: times the mark was reached
  std::uint64_t yields_ = 0;  // until_mark: yields of its vCPU
  std::uint64_t points_ = 0;  // points: points reached
};

// "vCPU 0 until mark 'race.t1.wrote_2'", "vCPU 1 for 12 points, last 'pte_write'".
[[nodiscard]] std::string describe_step(const proto::Step& step);
// "schedule step 4 (vCPU 0 until mark 'race.t1.wrote_2')"; `index` is 0-based.
[[nodiscard]] std::string name_step(std::size_t index, const proto::Step& step);

}  // namespace shadowtlb::vmm::sched
