#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite three times:
# a plain build, ASan+UBSan over every host test, and TSan over the threaded
# VMM (the integration tests). Any failure fails the script.
#
#   scripts/test.sh            everything
#   SHADOWTLB_SANITIZERS=0     only the plain build (quick local runs)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

jobs=$(nproc)
summary=()
run_suite() {  # name build-dir ctest-args...
  local name=$1 dir=$2
  shift 2
  echo "== ${name}: ctest in ${dir}"
  ctest --test-dir "$dir" --output-on-failure --timeout 600 -j"$jobs" "$@"
  summary+=("${name}: passed")
}

if [[ ! -e /dev/kvm ]]; then
  echo "note: /dev/kvm is absent: KVM tests will be reported as skipped (ctest 'Not Run')"
fi
if ! command -v chromium >/dev/null; then
  echo "note: chromium is absent: the HTML-report browser tests will be reported as skipped"
fi

scripts/build.sh build
run_suite "plain" build

if [[ ${SHADOWTLB_SANITIZERS:-1} == 1 ]]; then
  scripts/build.sh build-asan -DSHADOWTLB_SANITIZE=address,undefined
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite "asan+ubsan" build-asan

  # TSan covers the threaded VMM: only the binary and the two test programs
  # it runs are built (ctest's -L leaves the unbuilt programs out).
  SHADOWTLB_TARGETS="shadowtlb integration_tests vmm_core_tests" \
    scripts/build.sh build-tsan -DSHADOWTLB_SANITIZE=thread
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    run_suite "tsan (vmm threads)" build-tsan -L "^(integration_tests|vmm_core_tests)$"
fi

printf '%s\n' "${summary[@]}"
