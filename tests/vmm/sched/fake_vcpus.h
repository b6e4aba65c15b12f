// Fake vCPU threads for scheduler tests: each runs a small script of guest
// "actions" against a real Scheduler, as vCPU threads do against the VMM's,
// with no KVM. Each thread logs a point just before it reports it, so under
// controlled scheduling the log is the run's order of events.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "vmm/sched/scheduler.h"

namespace shadowtlb::test {

namespace sched = vmm::sched;

// What a fake guest does, in order.
struct Mark {
  std::string name;
};
struct Yield {};
struct PteWrite {};
struct StartCpu {
  unsigned vcpu;
};
struct SetFlag {
  std::string flag;
};
struct WaitFor {  // yields until the flag is set (a spinlock, a completion)
  std::string flag;
};
struct Halt {};  // the vCPU halts for good; its script ends (as does every script's end)
struct Exit {};  // HC_EXIT: the run ends
using Action = std::variant<Mark, Yield, PteWrite, StartCpu, SetFlag, WaitFor, Halt, Exit>;
using Script = std::vector<Action>;

class FakeVcpus {
 public:
  // Builds the scheduler `options` ask for, as the Machine does; its schedule
  // errors end the run like Machine::stop.
  FakeVcpus(const sched::ScheduleOptions& options, std::vector<Script> scripts);
  ~FakeVcpus();

  // Starts vCPU 0, waits until the run has ended (Exit, a schedule error,
  // every started vCPU done) and joins every thread.
  void run();
  // Ends the run as Machine::stop does (any thread); keeps the first reason.
  void stop(std::optional<std::string> error);

  [[nodiscard]] const std::vector<std::string>& log() const { return log_; }
  [[nodiscard]] std::string log_text() const;  // "0:a 0:yield 1:x"
  // The schedule error (from a point or from shutdown), if any.
  [[nodiscard]] const std::optional<std::string>& error() const { return error_; }
  [[nodiscard]] sched::Scheduler& scheduler() { return *scheduler_; }

 private:
  void thread_main(unsigned vcpu);
  void run_script(unsigned vcpu);
  void reach(unsigned vcpu, const sched::Point& point);
  void start(unsigned vcpu);
  void halt(unsigned vcpu);
  bool stopping() const { return stopping_.load(); }

  std::vector<Script> scripts_;
  std::unique_ptr<sched::Scheduler> scheduler_;
  std::vector<std::thread> threads_;
  std::map<std::string, std::atomic<bool>> flags_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable changed_;
  std::vector<bool> started_;
  unsigned running_ = 0;  // started and not finished
  std::vector<std::string> log_;
  std::optional<std::string> error_;
  std::atomic<bool> stopping_{false};
};

}  // namespace shadowtlb::test
