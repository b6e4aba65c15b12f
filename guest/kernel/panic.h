// Giving up: panic(), BUG_ON() and the guest's final exit to the VMM.
#pragma once

#include "guest/include/compiler.h"

// Prints the message, sends REPORT_PANIC (expr = message, file, line), then
// HC_EXIT(1). The VMM ends the run on the report; the exit is a fallback.
[[noreturn]] void panic_at(const char* file, int line, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

#define BUG() panic("BUG")
#define BUG_ON(cond)                                              \
  do {                                                            \
    if (unlikely(cond)) panic_at(__FILE__, __LINE__, "BUG_ON(%s)", #cond); \
  } while (0)

// HC_EXIT(status), then spin yielding: the VMM stops the vCPU, and `hlt` is
// not an option (DESIGN.md §6).
[[noreturn]] void machine_exit(int status);
