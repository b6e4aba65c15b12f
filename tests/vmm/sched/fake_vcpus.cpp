// The fake vCPU threads' interpreter.
#include "fake_vcpus.h"

namespace shadowtlb::test {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

FakeVcpus::FakeVcpus(const sched::ScheduleOptions& options, std::vector<Script> scripts)
    : scripts_(std::move(scripts)), started_(scripts_.size(), false) {
  scheduler_ = sched::make_scheduler(options, static_cast<unsigned>(scripts_.size()),
                                     [this](std::string message) { stop(std::move(message)); });
  // Every flag any script names exists before a thread runs (no map insertion later).
  for (const Script& script : scripts_)
    for (const Action& action : script) {
      if (const auto* set = std::get_if<SetFlag>(&action)) flags_[set->flag] = false;
      if (const auto* wait = std::get_if<WaitFor>(&action)) flags_[wait->flag] = false;
    }
  for (unsigned id = 0; id < scripts_.size(); ++id)
    threads_.emplace_back([this, id] { thread_main(id); });
}

FakeVcpus::~FakeVcpus() {
  stop(std::nullopt);
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
}

void FakeVcpus::run() {
  start(0);
  bool ended;
  {
    std::unique_lock lock(mutex_);
    // A broken scheduler fails the test instead of hanging it.
    ended = changed_.wait_for(lock, std::chrono::seconds(30),
                              [&] { return stopping() || running_ == 0; });
  }
  if (!ended) stop("test watchdog: the run did not end within 30 s");
  stop(std::nullopt);  // every vCPU halted: the machine stops too
  for (std::thread& t : threads_) t.join();
}

void FakeVcpus::stop(std::optional<std::string> error) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_.exchange(true)) return;
    error_ = std::move(error);
  }
  // As Machine::stop: a clean end while steps remain is a schedule error.
  std::optional<std::string> unfinished = scheduler_->shutdown();
  std::lock_guard lock(mutex_);
  if (!error_) error_ = std::move(unfinished);
  changed_.notify_all();
}

void FakeVcpus::start(unsigned vcpu) {
  scheduler_->vcpu_started(vcpu);
  std::lock_guard lock(mutex_);
  started_[vcpu] = true;
  ++running_;
  changed_.notify_all();
}

void FakeVcpus::thread_main(unsigned vcpu) {
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return started_[vcpu] || stopping(); });
    if (!started_[vcpu]) return;
  }
  scheduler_->point(vcpu, sched::Point{});  // the start point
  run_script(vcpu);
  std::lock_guard lock(mutex_);
  --running_;
  changed_.notify_all();
}

void FakeVcpus::run_script(unsigned vcpu) {
  for (const Action& action : scripts_[vcpu]) {
    if (stopping()) return;
    bool done = false;
    std::visit(Overloaded{
                   [&](const Mark& m) { reach(vcpu, {sched::PointKind::mark, m.name, 0}); },
                   [&](const Yield&) { reach(vcpu, {sched::PointKind::yield, {}, 0}); },
                   [&](const PteWrite&) { reach(vcpu, {sched::PointKind::pte_write, {}, 0}); },
                   [&](const StartCpu& s) { start(s.vcpu); },
                   [&](const SetFlag& s) { flags_.at(s.flag) = true; },
                   [&](const WaitFor& w) {
                     while (!flags_.at(w.flag) && !stopping())
                       reach(vcpu, {sched::PointKind::yield, {}, 0});
                   },
                   [&](const Halt&) {
                     halt(vcpu);
                     done = true;
                   },
                   [&](const Exit&) {
                     stop(std::nullopt);
                     done = true;
                   },
               },
               action);
    if (done) return;
  }
  halt(vcpu);  // a script that just ends halts, so its token moves on
}

void FakeVcpus::halt(unsigned vcpu) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping()) log_.push_back(std::to_string(vcpu) + ":halt");
  }
  scheduler_->vcpu_stopped(vcpu);
}

void FakeVcpus::reach(unsigned vcpu, const sched::Point& point) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping()) log_.push_back(std::to_string(vcpu) + ":" + sched::point_name(point));
  }
  scheduler_->point(vcpu, point);
}

std::string FakeVcpus::log_text() const {
  std::string text;
  for (const std::string& entry : log_) text += (text.empty() ? "" : " ") + entry;
  return text;
}

}  // namespace shadowtlb::test
