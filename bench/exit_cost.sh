#!/usr/bin/env bash
# Null hypercall round trip vs the bare KVM exit, measured in the same guest run.
# Usage: bench/exit_cost.sh [RUNS] [ITERATIONS]      (needs /dev/kvm and a build in build/)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
iterations=${2:-20000}
bin=${SHADOWTLB_BIN:-build/vmm/shadowtlb}
read_values='
import json, sys
values = {v["name"]: v["value"] for v in json.load(sys.stdin)["values"]}
print(values["raw_exit_ns"], values["null_hypercall_ns"])
'
echo "run  raw_exit_ns  null_hypercall_ns"
for run in $(seq 1 "$runs"); do
  read -r raw nop < <("$bin" run bench-exit --quiet --json \
    --cmdline "bench.iterations=${iterations}" | python3 -c "$read_values")
  printf '%3d  %11d  %17d\n' "$run" "$raw" "$nop"
done
