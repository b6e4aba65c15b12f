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
echo
echo "== the seed race (../shared/seed/mremap-race-commit.txt), forced by the image's schedule"
echo "== shadowtlb run mremap-race --cmdline mremap_flush=after-unlock   (the kernel before the fix)"
status=0
"$bin" run mremap-race --cmdline mremap_flush=after-unlock || status=$?
echo "(exit code $status: 3 means a hazard changed guest-visible data)"
[ "$status" -eq 3 ] || { echo "demo: expected exit code 3" >&2; exit 1; }
echo
echo "== shadowtlb run mremap-race --cmdline mremap_flush=dirty-before-unlock   (the fix)"
"$bin" run mremap-race --cmdline mremap_flush=dirty-before-unlock
echo
echo "== shadowtlb run mremap-race --cmdline mremap_flush=after-unlock --enforce dirty-shootdown   (the VMM closes it)"
"$bin" run mremap-race --cmdline mremap_flush=after-unlock --enforce dirty-shootdown
echo
echo "== shadowtlb run thp-race   (the anonymous 2 MiB variant: the write lands in a freed frame)"
"$bin" run thp-race || status=$?
