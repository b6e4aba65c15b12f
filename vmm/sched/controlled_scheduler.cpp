// Token passing between vCPU threads: one mutex, one condition variable each.
#include "vmm/sched/controlled_scheduler.h"

#include <fmt/format.h>

#include <utility>

namespace shadowtlb::vmm::sched {

ControlledScheduler::ControlledScheduler(unsigned vcpus, proto::Schedule steps,
                                         std::uint64_t yield_budget, ErrorHandler on_error)
    : turn_(std::make_unique<std::condition_variable[]>(vcpus)),
      vcpus_(vcpus),
      plan_(std::move(steps), yield_budget),
      on_error_(std::move(on_error)) {}

void ControlledScheduler::vcpu_started(unsigned vcpu) {
  std::lock_guard lock(mutex_);
  vcpus_[vcpu].started = true;
  // The first vCPU (vCPU 0 at power-on) takes the token; later ones wait
  // for it at their start point.
  if (!holder_ && !over_) holder_ = vcpu;
}

void ControlledScheduler::point(unsigned vcpu, const Point& point) {
  Lock lock(mutex_);
  if (over_ || failed_) return;
  // A start point is where a vCPU waits for its first turn; it never counts,
  // since whether the thread gets there before or after it is handed the
  // token is a matter of host timing.
  if (point.kind == PointKind::start || holder_ != vcpu) {
    wait_for_token(lock, vcpu);
    return;
  }
  if (std::optional<std::string> error = at_point(vcpu, point)) {
    fail(lock, std::move(*error));
    return;
  }
  wait_for_token(lock, vcpu);
}

void ControlledScheduler::vcpu_stopped(unsigned vcpu) {
  Lock lock(mutex_);
  if (over_ || failed_) return;
  vcpus_[vcpu].stopped = true;
  if (holder_ != vcpu) return;
  if (std::optional<std::string> error = at_point(vcpu, Point{PointKind::halt, {}, 0}))
    fail(lock, std::move(*error));
}

std::optional<std::string> ControlledScheduler::shutdown() {
  std::lock_guard lock(mutex_);
  if (over_) return std::nullopt;
  over_ = true;
  wake_everybody();
  if (failed_) return std::nullopt;  // the error is already the run's outcome
  std::optional<std::string> error;
  if (holder_) {
    // The run's end is the holder's last point: a recorded run replays up to it.
    const Point end{PointKind::exit, {}, 0};
    recorder_.count(*holder_, end);
    error = plan_.observe(*holder_, end);
  }
  recorder_.end_segment();
  if (!error) error = plan_.unfinished("the guest exited first");
  return error;
}

std::optional<proto::Schedule> ControlledScheduler::recording() const {
  std::lock_guard lock(mutex_);
  return recorder_.schedule();
}

std::string ControlledScheduler::describe_state() const {
  std::lock_guard lock(mutex_);
  std::string text = holder_ ? fmt::format("controlled: vCPU {} held the token", *holder_)
                             : std::string("controlled: no vCPU held the token");
  if (std::optional<std::string> step = plan_.current_step())
    text += fmt::format(" at {}{}", *step, plan_.begun() ? "" : ", before its begin mark");
  return text;
}

std::optional<std::string> ControlledScheduler::at_point(unsigned vcpu, const Point& point) {
  recorder_.count(vcpu, point);
  if (std::optional<std::string> error = plan_.observe(vcpu, point)) return error;
  std::optional<std::string> error;
  std::optional<unsigned> next = choose_next(vcpu, point.kind, error);
  if (error) return error;
  if (next != holder_) pass_token(next);
  return std::nullopt;
}

std::optional<unsigned> ControlledScheduler::choose_next(unsigned holder, PointKind kind,
                                                         std::optional<std::string>& error) const {
  if (std::optional<unsigned> step_vcpu = plan_.wanted()) {
    if (vcpus_[*step_vcpu].stopped) {
      error = plan_.unfinished(fmt::format("vCPU {} halted first", *step_vcpu));
      return std::nullopt;
    }
    // A step's vCPU that has not been started yet cannot run: until the
    // guest starts it, the default policy goes on.
    if (vcpus_[*step_vcpu].started) return step_vcpu;
  }
  const bool holder_runs = runnable(holder);
  if (holder_runs && kind != PointKind::yield) return holder;
  if (std::optional<unsigned> next = next_runnable_after(holder)) return next;
  return holder_runs ? std::optional<unsigned>(holder) : std::nullopt;
}

std::optional<unsigned> ControlledScheduler::next_runnable_after(unsigned vcpu) const {
  const auto n = static_cast<unsigned>(vcpus_.size());
  for (unsigned i = 1; i < n; ++i) {
    const unsigned candidate = (vcpu + i) % n;
    if (runnable(candidate)) return candidate;
  }
  return std::nullopt;
}

void ControlledScheduler::pass_token(std::optional<unsigned> next) {
  recorder_.end_segment();
  holder_ = next;
  if (next) turn_[*next].notify_one();
}

void ControlledScheduler::wait_for_token(Lock& lock, unsigned vcpu) {
  turn_[vcpu].wait(lock, [&] { return over_ || holder_ == vcpu; });
}

// The others stay blocked until the machine is stopping: woken first, they
// could run guest code before they see that the run is over.
void ControlledScheduler::fail(Lock& lock, std::string message) {
  failed_ = true;
  recorder_.end_segment();
  lock.unlock();
  on_error_(std::move(message));  // the machine stops, which calls shutdown()
  lock.lock();
  over_ = true;
  wake_everybody();
}

void ControlledScheduler::wake_everybody() {
  for (std::size_t i = 0; i < vcpus_.size(); ++i) turn_[i].notify_all();
}

}  // namespace shadowtlb::vmm::sched
