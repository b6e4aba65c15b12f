// litmus: the TLB litmus cases of issue 3 (docs/litmus.md), all by default or one by name.
//
//   litmus.case=<name>       run only that case (stale_read, rmw_stress, ...)
//   litmus.rmw_rounds=<n>    rounds of rmw_stress (default 10000)
//   litmus.timeout_ms=<n>    how long one step may wait for the other vCPU (default 10000)
//
// Each case is a guest test named litmus.<case>: it reports observations with
// REPORT_VALUE and fails only on invariants that hold in every TLB mode, so
// the exit status is 0 whenever the image ran to the end.
#include "guest/kernel/cmdline.h"
#include "guest/kernel/image.h"
#include "guest/kernel/panic.h"
#include "guest/kernel/test.h"
#include "guest/lib/vsprintf.h"

int image_main() {
  const char* only = cmdline_get("litmus.case");
  if (!only) return run_tests("litmus.").failed ? 1 : 0;
  char name[64];
  snprintf(name, sizeof(name), "litmus.%s", only);
  test_summary s = run_test(name);
  if (!s.run) panic("litmus.case=%s: no such case (docs/litmus.md lists them)", only);
  return s.failed ? 1 : 0;
}
