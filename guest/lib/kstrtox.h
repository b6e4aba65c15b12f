// String to integer conversion (Linux's kstrtoull family).
#pragma once

#include "guest/include/types.h"

// Parses a whole string as an unsigned number. base 0 accepts "0x" hex, a
// leading-0 octal or decimal. Returns 0, or -EINVAL for an empty string, a
// stray character or overflow (then *res is unchanged).
int kstrtoull(const char* s, unsigned base, u64* res);
int kstrtoll(const char* s, unsigned base, s64* res);
