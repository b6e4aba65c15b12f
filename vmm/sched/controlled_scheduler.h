// Controlled scheduling (DESIGN.md §4): exactly one vCPU — the token holder —
// runs between scheduling points; every other started vCPU waits in point().
//
// Who gets the token next: the current step's vCPU once the steps have
// begun (StepPlan); otherwise the default policy: the holder keeps it until
// it yields, then it goes to the next started vCPU in round-robin id order.
// Every decision depends only on the sequence of points, never on timing,
// so the same image, options and schedule give the same run.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vmm/sched/schedule_recorder.h"
#include "vmm/sched/scheduler.h"
#include "vmm/sched/step_plan.h"

namespace shadowtlb::vmm::sched {

class ControlledScheduler final : public Scheduler {
 public:
  ControlledScheduler(unsigned vcpus, proto::Schedule steps, std::uint64_t yield_budget,
                      ErrorHandler on_error);

  void vcpu_started(unsigned vcpu) override;
  void point(unsigned vcpu, const Point& point) override;
  void vcpu_stopped(unsigned vcpu) override;
  [[nodiscard]] std::optional<std::string> shutdown() override;
  [[nodiscard]] std::optional<proto::Schedule> recording() const override;
  [[nodiscard]] std::string describe_state() const override;

 private:
  struct VcpuState {
    bool started = false;
    bool stopped = false;
  };
  using Lock = std::unique_lock<std::mutex>;

  // The holder reached `point`: count it, advance the steps, pass the token.
  // Returns the schedule error, if the run cannot go on.
  std::optional<std::string> at_point(unsigned vcpu, const Point& point);
  // Who holds the token after the holder's point of `kind`; nullopt: nobody can run.
  std::optional<unsigned> choose_next(unsigned holder, PointKind kind,
                                      std::optional<std::string>& error) const;
  [[nodiscard]] std::optional<unsigned> next_runnable_after(unsigned vcpu) const;
  [[nodiscard]] bool runnable(unsigned vcpu) const {
    return vcpus_[vcpu].started && !vcpus_[vcpu].stopped;
  }
  void pass_token(std::optional<unsigned> next);
  void wait_for_token(Lock& lock, unsigned vcpu);
  // Ends the run's scheduling with `message`; unlocks before telling the machine.
  void fail(Lock& lock, std::string message);
  void wake_everybody();

  mutable std::mutex mutex_;
  // One per vCPU, so a token pass wakes exactly the new holder.
  std::unique_ptr<std::condition_variable[]> turn_;
  std::vector<VcpuState> vcpus_;
  std::optional<unsigned> holder_;
  bool over_ = false;    // shut down: nothing blocks any more
  bool failed_ = false;  // a schedule error is being reported (see fail())
  StepPlan plan_;
  ScheduleRecorder recorder_;
  ErrorHandler on_error_;
};

}  // namespace shadowtlb::vmm::sched
