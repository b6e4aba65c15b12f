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
