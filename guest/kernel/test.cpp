// Test runner and failure reporting for the in-guest test framework.
#include "guest/kernel/test.h"

#include "guest/arch/x86/hypercall.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/printk.h"
#include "guest/kernel/report.h"
#include "guest/lib/string.h"
#include "guest/lib/vsprintf.h"

extern "C" const test_case* const __start_guest_tests[];
extern "C" const test_case* const __stop_guest_tests[];

namespace {

// The running test; read by expectations on any vCPU.
const test_case* current_test;
bool current_failed;
bool current_skipped;

}  // namespace

namespace ktest {

bool fail(const char* file, int line, const char* expr, u64 lhs, u64 rhs) {
  const test_case* t = __atomic_load_n(&current_test, __ATOMIC_ACQUIRE);
  if (!t) panic_at(file, line, "%s (values %#lx, %#lx)", expr, lhs, rhs);
  __atomic_store_n(&current_failed, true, __ATOMIC_RELEASE);
  printk("  %s:%d: expected %s (values %#lx, %#lx)\n", file, line, expr, lhs, rhs);
  const u64 values[2] = {lhs, rhs};
  report_send(abi::REPORT_TEST_FAIL, t->name, file, static_cast<unsigned>(line), expr, values, 2);
  return false;
}

bool fail_str(const char* file, int line, const char* expr, const char* lhs, const char* rhs) {
  char msg[sizeof(abi::guest_report::expr)];
  snprintf(msg, sizeof(msg), "%s (\"%s\" vs \"%s\")", expr, lhs ? lhs : "(null)", rhs ? rhs : "(null)");
  return fail(file, line, msg, reinterpret_cast<u64>(lhs), reinterpret_cast<u64>(rhs));
}

void skip(const char* file, int line, const char* reason) {
  const test_case* t = __atomic_load_n(&current_test, __ATOMIC_ACQUIRE);
  if (!t) panic_at(file, line, "TEST_SKIP outside a test: %s", reason);
  current_skipped = true;
  report_send(abi::REPORT_TEST_SKIP, t->name, file, static_cast<unsigned>(line), reason, nullptr, 0);
}

bool streq(const char* a, const char* b) { return a && b ? strcmp(a, b) == 0 : a == b; }

}  // namespace ktest

namespace {

// Runs every test match() accepts, in link order.
template <typename Match>
test_summary run_matching(Match match) {
  test_summary s{};
  for (const test_case* const* p = __start_guest_tests; p < __stop_guest_tests; p++) {
    const test_case* t = *p;
    if (!match(t->name)) continue;
    current_failed = false;
    current_skipped = false;
    __atomic_store_n(&current_test, t, __ATOMIC_RELEASE);
    u64 start = hc_clock_ns();
    t->fn();
    u64 us = (hc_clock_ns() - start) / 1000;
    __atomic_store_n(&current_test, nullptr, __ATOMIC_RELEASE);
    s.run++;
    if (__atomic_load_n(&current_failed, __ATOMIC_ACQUIRE)) {
      s.failed++;
      printk("test FAIL %s (%lu us)\n", t->name, us);
    } else if (current_skipped) {
      s.skipped++;
      printk("test SKIP %s\n", t->name);
    } else {
      s.passed++;
      printk("test PASS %s (%lu us)\n", t->name, us);
      report_send(abi::REPORT_TEST_PASS, t->name, t->file, static_cast<unsigned>(t->line), nullptr,
                  nullptr, 0);
    }
  }
  printk("tests: %u run, %u passed, %u failed, %u skipped\n", s.run, s.passed, s.failed, s.skipped);
  return s;
}

}  // namespace

test_summary run_tests(const char* filter) {
  return run_matching([&](const char* name) { return !filter || !*filter || str_has_prefix(name, filter); });
}

test_summary run_test(const char* name) {
  return run_matching([&](const char* t) { return strcmp(t, name) == 0; });
}
