// The process exit codes of `shadowtlb` (docs/cli.md): the only place they are chosen.
#pragma once

#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm::cli {

enum ExitCode : int {
  kExitOk = 0,        // the guest exited with status 0 and every guest test passed
  kExitUsage = 1,     // bad command line, configuration, manifest or image
  kExitVmFailed = 2,  // the VM or the guest failed, KVM failed, or the run timed out
  kExitHazard = 3,    // a hazard changed guest-visible data: the image's verdict is not "ok"
  kExitInterrupted = 130,  // SIGINT or SIGTERM stopped the run (128 + SIGINT, the shell's convention)
};

[[nodiscard]] constexpr ExitCode exit_code_for(Outcome outcome) {
  if (outcome == Outcome::interrupted) return kExitInterrupted;
  return outcome == Outcome::guest_exit_ok ? kExitOk : kExitVmFailed;
}

// A run that ended well but whose scenario judged its data wrong (a lost
// write) exits 3; hazards without a verdict do not change the exit code.
[[nodiscard]] inline ExitCode exit_code_for(const RunResult& result) {
  const ExitCode code = exit_code_for(result.outcome);
  if (code == kExitOk && result.verdict && !result.verdict->ok()) return kExitHazard;
  return code;
}

// The summary's "result": the verdict when the run ended well and the image
// gave one ("ok", "lost_write"), else the outcome ("ok", "timeout", ...).
[[nodiscard]] inline std::string_view result_name(const RunResult& result) {
  if (result.outcome == Outcome::guest_exit_ok && result.verdict) return result.verdict->name;
  return outcome_name(result.outcome);
}

}  // namespace shadowtlb::vmm::cli
