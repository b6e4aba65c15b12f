// struct pt_regs: the register frame every exception entry builds.
//
//   high  ss, sp, flags, cs, ip      pushed by the CPU (SDM 6.14.2)
//         error_code                 by the CPU, or 0 by the stub
//         vector                     by the stub
//   low   di ... r15                 by exception_common (entry_exceptions.S)
//
// A handler may change any field (ip, ax, ...) and the interrupted code
// resumes with the changed values.
#pragma once

#include "guest/include/types.h"

struct pt_regs {
  u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di;
  u64 vector;
  u64 error_code;
  u64 ip, cs, flags, sp, ss;
};
static_assert(sizeof(pt_regs) == 22 * 8, "entry_exceptions.S pushes 22 words");
