// printf-style formatting into a buffer or a character sink (Linux's lib/vsprintf.c).
#pragma once

#include <stdarg.h>

#include "guest/include/types.h"

// Receives each formatted character; ctx is the caller's.
using format_sink = void (*)(char c, void* ctx);

// Formats to sink; returns the number of characters produced. Supports
// %d %i %u %x %X %o %c %s %p %% with flags "-0+ #", width and precision
// (numbers or '*') and the length modifiers hh h l ll z t j.
int vformat(format_sink sink, void* ctx, const char* fmt, va_list ap);

// As C's: at most size-1 characters plus a NUL; returns the untruncated length.
int vsnprintf(char* buf, size_t size, const char* fmt, va_list ap);
int snprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
