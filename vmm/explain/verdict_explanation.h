// Why a scenario's data went wrong: the hazard chain behind a verdict other
// than "ok", told from the shadow MMU's hazards (issue 5, "Verdict output").
//
//   lost_write: the write of 2 did not fault, yet 1 was read back (vCPU 0)
//     the write:     vCPU 0 wrote through a stale TLB entry ...     [event 412]
//     made stale by: vCPU 1's page-table write at rip ...: xchg ... [event 388]
//     too late:      the entry left vCPU 0's TLB only at event 455
#pragma once

#include <string>
#include <vector>

#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm {

// One line per fact, without a prefix; empty when there is no verdict or it
// is "ok". Names the write, the stale entry, the PTE write that made it
// stale, the flush that came too late, and a frame freed under the entry.
std::vector<std::string> explain_verdict(const RunResult& result);

}  // namespace shadowtlb::vmm
