// Kernel console output: printk to the 16550 serial port (COM1).
#pragma once

#include <stdarg.h>

// Each character is one `outb` to COM1, i.e. one VMM exit (~7.5 us): keep
// messages short. The VMM buffers lines per vCPU, so whole lines from
// different vCPUs never interleave.
int printk(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char* fmt, va_list ap);
void console_write(const char* s);

#define pr_info(...) printk(__VA_ARGS__)
#define pr_err(...) printk(__VA_ARGS__)
