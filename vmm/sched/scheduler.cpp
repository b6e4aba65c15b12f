// Choosing the scheduler a run's options ask for.
#include "vmm/sched/scheduler.h"

#include "vmm/sched/controlled_scheduler.h"
#include "vmm/sched/free_scheduler.h"

namespace shadowtlb::vmm::sched {

std::unique_ptr<Scheduler> make_scheduler(const ScheduleOptions& options, unsigned vcpus,
                                          ErrorHandler on_error) {
  if (is_controlled(options))
    return std::make_unique<ControlledScheduler>(vcpus, options.steps, options.yield_budget,
                                                 std::move(on_error));
  return std::make_unique<FreeScheduler>(options.delays);
}

}  // namespace shadowtlb::vmm::sched
