// The process exit codes of `shadowtlb` (docs/cli.md): the only place they are chosen.
#pragma once

#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm::cli {

enum ExitCode : int {
  kExitOk = 0,        // the guest exited with status 0 and every guest test passed
  kExitUsage = 1,     // bad command line, configuration, manifest or image
  kExitVmFailed = 2,  // the VM or the guest failed, KVM failed, or the run timed out
  kExitHazard = 3,    // reserved: the shadow MMU detected a TLB-coherence hazard
};

[[nodiscard]] constexpr ExitCode exit_code_for(Outcome outcome) {
  return outcome == Outcome::guest_exit_ok ? kExitOk : kExitVmFailed;
}

}  // namespace shadowtlb::vmm::cli
