// Records a controlled run as the schedule that replays it: one points-based
// step per token segment (the points one vCPU reached while it held the token).
//
// Not thread-safe: the ControlledScheduler calls it under its lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "proto/schedule.pb.h"
#include "vmm/sched/point.h"

namespace shadowtlb::vmm::sched {

class ScheduleRecorder {
 public:
  // The token holder `vcpu` reached `point`.
  void count(unsigned vcpu, const Point& point);
  // The token left the holder: its segment becomes a step.
  void end_segment();
  // Every segment ended so far, plus the open one. begin_mark is empty: a
  // replay follows the steps from the start.
  [[nodiscard]] proto::Schedule schedule() const;

 private:
  struct Segment {
    unsigned vcpu = 0;
    std::uint64_t points = 0;
    PointKind last_kind = PointKind::start;
    std::string last_mark;  // reused: no allocation per point once it is long enough
  };
  static void append(proto::Schedule& schedule, const Segment& segment);

  proto::Schedule done_;
  std::optional<Segment> open_;
};

}  // namespace shadowtlb::vmm::sched
