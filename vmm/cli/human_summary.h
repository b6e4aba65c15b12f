// The human-readable end of `run` on stderr: one summary line, then any failure's details.
#pragma once

#include <string>

#include "vmm/builder/vm_config.h"
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm::cli {

// "shadowtlb: smoke: ok (4 vCPUs, 12 guest tests passed) in 310 ms", newline-terminated.
[[nodiscard]] std::string summary_line(const VmConfig& config, const RunResult& result);

// "shadowtlb: disk /tmp/d.img: 12 blocks read, 3 written, 1 flush; swap: ...",
// newline-terminated, naming only devices the guest used; empty when no
// device saw any I/O.
[[nodiscard]] std::string disks_line(const RunResult& result);

// For a run that did not end ok: each failed guest test, the error line
// ("shadowtlb: error: <message>"), and the failing vCPU's registers and
// instruction. Empty for a successful run.
[[nodiscard]] std::string failure_details(const RunResult& result);

// For a verdict other than "ok" (exit code 3): the explanation of the hazard
// chain, a "shadowtlb: " line per fact (vmm/explain/). Empty otherwise.
[[nodiscard]] std::string verdict_details(const RunResult& result);

}  // namespace shadowtlb::vmm::cli
