#!/usr/bin/env bash
# Installs dependencies, builds shadowtlb and runs the main demo on the built-in images.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
bin=build/vmm/shadowtlb

echo
echo "== built-in images"
"$bin" images
echo
echo "== shadowtlb run smoke --vcpus 4"
"$bin" run smoke --vcpus 4
echo
echo "== shadowtlb run selftest --vcpus 2"
"$bin" run selftest --vcpus 2
echo
echo "== shadowtlb run litmus --cmdline litmus.case=stale_dirty_write  (a write through a stale TLB entry)"
"$bin" run litmus --cmdline litmus.case=stale_dirty_write --dump-tlb-at stale_dirty_write.cleared
