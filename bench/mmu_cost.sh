#!/usr/bin/env bash
# VMM-side cost of a trapped PTE write and of a shootdown to 1, 7 and 31 other
# vCPUs (2-, 8-, 32-vCPU machines), beside the bare exit cost of the same run.
# Usage: bench/mmu_cost.sh [ITERATIONS] [SHOOTDOWNS]   (needs /dev/kvm and build/)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-2000}
shootdowns=${2:-200}
bin=build/vmm/shadowtlb
summarize='
import json, sys
j = json.load(sys.stdin)
v = {x["name"]: x["value"] for x in j["values"]}
s = j["mmu_stats"]
print(f"{j[\"vcpus\"]:>5}  {v[\"raw_exit_ns\"]:>11}  {v[\"pte_write_ns\"]:>12}  {s[\"pte_write\"][\"mean_ns\"]:>11}"
      f"  {v[\"shootdown_ns\"]:>12}  {s[\"shootdown\"][\"mean_ns\"]:>11}")
'
echo "                 guest round trip (ns)                   VMM side (ns)"
echo "vcpus  raw_exit_ns  pte_write_ns  pte_write_vmm  shootdown_ns  shootdown_vmm"
for vcpus in 2 8 32; do
  "$bin" run bench-mmu --vcpus "$vcpus" --quiet --json --timeout 600 \
    --cmdline "bench.iterations=${iterations} bench.shootdowns=${shootdowns}" |
    python3 -c "$summarize"
done
