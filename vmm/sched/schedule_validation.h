// Checks a run's scheduling options before the VM is built, so that a bad
// schedule is a configuration error naming its step, not a run that hangs.
#pragma once

#include <string_view>
#include <vector>
#include <string>

#include "vmm/sched/schedule_options.h"

namespace shadowtlb::vmm::sched {

// A kernel mark (abi/marks.h) or one of the image's own.
[[nodiscard]] bool is_known_mark(std::string_view name, const std::vector<std::string>& image_marks);

// Throws ConfigError for: a step whose vCPU the machine lacks, a step with
// neither or both of until_mark and points, an unknown mark (in a step,
// begin_mark or --delay), a recorded step's unknown last_point, steps or
// --record in a free-running run, --delay in a controlled one.
void validate_schedule_options(const ScheduleOptions& options, unsigned vcpus);

}  // namespace shadowtlb::vmm::sched
