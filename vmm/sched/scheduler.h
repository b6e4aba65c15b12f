// The scheduler a Machine consults at every scheduling point of every vCPU.
//
// Every call comes from a vCPU thread except shutdown() (any thread) and
// recording() (after the threads are joined). Implementations never call
// back into the machine while holding their own lock: a schedule error is
// reported through the ErrorHandler after the lock is dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "proto/schedule.pb.h"
#include "vmm/sched/point.h"
#include "vmm/sched/schedule_options.h"

namespace shadowtlb::vmm::sched {

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // `vcpu` was started (vCPU 0 at power-on, the others by HC_START_CPU), on
  // the starting thread: from now on it may be given the token, whether or
  // not its own thread has reached its start point yet.
  virtual void vcpu_started(unsigned vcpu) = 0;
  // `vcpu` reached a scheduling point. Returns when it may go on; in a
  // controlled run that is when it holds the token, or the run is ending.
  virtual void point(unsigned vcpu, const Point& point) = 0;
  // `vcpu` halted for good; its token, if it held it, goes on.
  virtual void vcpu_stopped(unsigned vcpu) = 0;
  // The run is ending: nothing blocks any more and every blocked vCPU wakes.
  // Returns why the schedule is unfinished (steps remain), if it is; only the
  // first call can return one.
  [[nodiscard]] virtual std::optional<std::string> shutdown() = 0;

  // A controlled run as a points-based schedule that replays it (--record);
  // nullopt for a free-running one.
  [[nodiscard]] virtual std::optional<proto::Schedule> recording() const = 0;
  // One line on where the scheduler stands, for a timeout message; empty
  // when there is nothing to say.
  [[nodiscard]] virtual std::string describe_state() const = 0;
};

// Receives a schedule error (the run cannot follow its schedule): the machine
// stops the run with Outcome::schedule_error.
using ErrorHandler = std::function<void(std::string message)>;

// The scheduler `options` ask for, for a machine of `vcpus` vCPUs.
[[nodiscard]] std::unique_ptr<Scheduler> make_scheduler(const ScheduleOptions& options,
                                                        unsigned vcpus, ErrorHandler on_error);

}  // namespace shadowtlb::vmm::sched
