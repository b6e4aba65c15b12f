// selftest: runs the guest kernel's self-tests, or deliberately crashes (selftest.crash=).
//
//   selftest.filter=<prefix>   run only tests whose name starts with prefix
//   selftest.crash=<mode>      pf | ud | df: an unhandled exception;
//                              panic | assert: a REPORT_PANIC
#include "guest/kernel/cmdline.h"
#include "guest/kernel/image.h"
#include "guest/kernel/test.h"
#include "images/selftest/crash.h"

int image_main() {
  if (const char* mode = cmdline_get("selftest.crash")) selftest_crash(mode);
  test_summary s = run_tests(cmdline_get("selftest.filter"));
  return s.failed ? 1 : 0;
}
