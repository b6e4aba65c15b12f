// The one fixed struct the guest uses to tell the host about tests, values,
// assertion failures, panics and exceptions (sent by HC_REPORT).
//
// Modelled on the KVM selftests' ucall: the host test asserts on these, never on
// console text. Both sides check the layout with the static_asserts below.
#pragma once

#include <stdint.h>

namespace shadowtlb::abi {

enum report_kind : uint32_t {
  REPORT_TEST_PASS = 1,   // name: the guest test that passed
  REPORT_TEST_FAIL = 2,   // name, file, line, expr; values[0..1] = lhs, rhs
  REPORT_TEST_SKIP = 3,   // name, expr = reason
  REPORT_VALUE = 4,       // name = key, values[0] = value: a guest-visible result
  REPORT_PANIC = 5,       // expr = message, file, line: the guest gives up
  REPORT_EXCEPTION = 6,   // values = {vector, rip, cr2, error code}; unhandled
  REPORT_VERDICT = 7,     // name = verdict ("ok", "lost_write"), expr = why, from guest-visible
                          // data; values = the evidence (image-defined). The last one counts.
};

inline constexpr uint32_t REPORT_NAME_LEN = 64;
inline constexpr uint32_t REPORT_FILE_LEN = 64;
inline constexpr uint32_t REPORT_EXPR_LEN = 128;

struct guest_report {
  uint32_t kind;    // enum report_kind
  uint32_t vcpu;    // reporting vCPU, as the guest believes it to be
  uint32_t line;
  uint32_t flags;   // reserved, 0
  uint64_t values[4];
  char name[REPORT_NAME_LEN];  // NUL-terminated (the host tolerates a missing NUL)
  char file[REPORT_FILE_LEN];
  char expr[REPORT_EXPR_LEN];
};
static_assert(sizeof(guest_report) == 304, "guest_report is part of the ABI");

}  // namespace shadowtlb::abi
