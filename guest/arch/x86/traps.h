// Exception dispatch (traps.cpp), shared with the #PF path (fault.cpp).
#pragma once

#include "guest/include/types.h"

struct pt_regs;

// An exception the kernel cannot handle: console dump, REPORT_EXCEPTION, exit.
[[noreturn]] void die(pt_regs* regs, u64 cr2);
