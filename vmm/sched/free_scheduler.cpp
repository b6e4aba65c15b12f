// Free-running points: only --delay marks cost anything.
#include "vmm/sched/free_scheduler.h"

namespace shadowtlb::vmm::sched {

void FreeScheduler::point(unsigned, const Point& point) {
  if (point.kind != PointKind::mark || delays_.empty()) return;
  const auto delay = delays_.find(point.mark);
  if (delay == delays_.end()) return;
  std::unique_lock lock(mutex_);
  woken_.wait_for(lock, delay->second, [&] { return over_; });
}

std::optional<std::string> FreeScheduler::shutdown() {
  {
    std::lock_guard lock(mutex_);
    over_ = true;
  }
  woken_.notify_all();
  return std::nullopt;
}

}  // namespace shadowtlb::vmm::sched
