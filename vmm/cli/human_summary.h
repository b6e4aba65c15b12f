// The human-readable end of `run` on stderr: one summary line, then any failure's details.
#pragma once

#include <string>

#include "vmm/builder/vm_config.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm::cli {

// "shadowtlb: smoke: ok (4 vCPUs, 12 guest tests passed) in 310 ms", newline-terminated.
[[nodiscard]] std::string summary_line(const VmConfig& config, const RunResult& result);

// For a run that did not end ok: each failed guest test, the error line
// ("shadowtlb: error: <message>"), and the failing vCPU's registers and
// instruction. Empty for a successful run.
[[nodiscard]] std::string failure_details(const RunResult& result);

}  // namespace shadowtlb::vmm::cli
