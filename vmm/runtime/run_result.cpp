// Names of run outcomes, as the JSON summary and messages spell them.
#include "vmm/runtime/run_result.h"

namespace shadowtlb::vmm {

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::guest_exit_ok: return "ok";
    case Outcome::guest_exit_failed: return "guest_failed";
    case Outcome::guest_panic: return "guest_panic";
    case Outcome::triple_fault: return "triple_fault";
    case Outcome::vm_error: return "vm_error";
    case Outcome::timeout: return "timeout";
    case Outcome::schedule_error: return "schedule_error";
    case Outcome::interrupted: return "interrupted";
  }
  return "unknown";
}

}  // namespace shadowtlb::vmm
