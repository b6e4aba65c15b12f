// Builds struct guest_report on the stack and hands its physical address to the VMM.
#include "guest/kernel/report.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/arch/x86/page.h"
#include "guest/include/compiler.h"
#include "guest/kernel/percpu.h"
#include "guest/lib/string.h"

namespace {

void copy_field(char* dst, size_t size, const char* src, bool keep_tail) {
  if (!src) src = "";
  size_t len = strlen(src);
  if (keep_tail && len >= size) src += len - (size - 1);
  strlcpy(dst, src, size);
}

}  // namespace

void report_send(abi::report_kind kind, const char* name, const char* file, unsigned line,
                 const char* expr, const u64* values, unsigned nvalues) {
  abi::guest_report r{};
  r.kind = kind;
  r.vcpu = smp_processor_id();
  r.line = line;
  for (unsigned i = 0; i < nvalues && i < ARRAY_SIZE(r.values); i++) r.values[i] = values[i];
  copy_field(r.name, sizeof(r.name), name, false);
  copy_field(r.file, sizeof(r.file), file, true);
  copy_field(r.expr, sizeof(r.expr), expr, false);
  hc_report(virt_to_phys(&r));
}

void report_value(const char* key, u64 value) {
  report_send(abi::REPORT_VALUE, key, nullptr, 0, nullptr, &value, 1);
}

void report_verdict(const char* verdict, const char* reason, const u64* values, unsigned nvalues) {
  report_send(abi::REPORT_VERDICT, verdict, nullptr, 0, reason, values, nvalues);
}

void mark(const char* name, u64 value) { hc_mark(virt_to_phys(name), value); }
