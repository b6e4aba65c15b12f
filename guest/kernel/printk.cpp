// printk: formats straight to the serial port, no intermediate buffer.
//
// The LSR is not polled: the VMM's UART is always ready (LSR reads 0x60) and
// each poll would cost one more exit per character.
#include "guest/kernel/printk.h"

#include "abi/hypercall.h"
#include "guest/arch/x86/io.h"
#include "guest/lib/vsprintf.h"

namespace {

void serial_putc(char c, void*) { outb(static_cast<u8>(c), shadowtlb::abi::SERIAL_COM1); }

}  // namespace

void console_write(const char* s) {
  while (*s) serial_putc(*s++, nullptr);
}

int vprintk(const char* fmt, va_list ap) { return vformat(serial_putc, nullptr, fmt, ap); }

int printk(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vprintk(fmt, ap);
  va_end(ap);
  return n;
}
