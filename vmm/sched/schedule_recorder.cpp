// Token segments to points-based steps.
#include "vmm/sched/schedule_recorder.h"

namespace shadowtlb::vmm::sched {

void ScheduleRecorder::count(unsigned vcpu, const Point& point) {
  if (open_ && open_->vcpu != vcpu) end_segment();
  if (!open_) open_ = Segment{vcpu, 0, PointKind::start, ""};
  ++open_->points;
  open_->last_kind = point.kind;
  open_->last_mark = point.mark;
}

void ScheduleRecorder::end_segment() {
  if (!open_) return;
  append(done_, *open_);
  open_.reset();
}

proto::Schedule ScheduleRecorder::schedule() const {
  proto::Schedule schedule = done_;
  if (open_) append(schedule, *open_);
  return schedule;
}

void ScheduleRecorder::append(proto::Schedule& schedule, const Segment& segment) {
  proto::Step* step = schedule.add_step();
  step->set_vcpu(segment.vcpu);
  step->set_points(segment.points);
  const Point last{segment.last_kind, segment.last_mark};
  step->set_last_point(point_name(last));
  // For people reading the schedule: the mark a segment ended at.
  if (segment.last_kind == PointKind::mark) step->set_note(segment.last_mark);
}

}  // namespace shadowtlb::vmm::sched
