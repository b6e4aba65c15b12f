#!/usr/bin/env bash
# Configures and builds one build tree: scripts/build.sh DIR [extra cmake args...]
# SHADOWTLB_TARGETS="a b" builds only those targets (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
read -r -a targets <<<"${SHADOWTLB_TARGETS:-all}"
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}"
