// Free-running scheduling: every vCPU runs at once, as on hardware. A point
// does nothing, except a mark named by --delay: the vCPU that reaches it
// sleeps in the VMM, widening a race window the way msleep() does in a
// kernel under test.
#pragma once

#include <condition_variable>
#include <mutex>

#include "vmm/sched/scheduler.h"

namespace shadowtlb::vmm::sched {

class FreeScheduler final : public Scheduler {
 public:
  explicit FreeScheduler(DelayMap delays) : delays_(std::move(delays)) {}

  void vcpu_started(unsigned) override {}
  void point(unsigned vcpu, const Point& point) override;
  void vcpu_stopped(unsigned) override {}
  // Cuts every delay short, so stopping never waits for one.
  [[nodiscard]] std::optional<std::string> shutdown() override;
  [[nodiscard]] std::optional<proto::Schedule> recording() const override { return std::nullopt; }
  [[nodiscard]] std::string describe_state() const override { return {}; }

 private:
  const DelayMap delays_;  // read without the lock: never changes
  std::mutex mutex_;
  std::condition_variable woken_;
  bool over_ = false;
};

}  // namespace shadowtlb::vmm::sched
