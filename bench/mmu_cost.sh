#!/usr/bin/env bash
# VMM-side cost of a trapped PTE write and of a shootdown to 1, 7 and 31 other
# vCPUs (2-, 8-, 32-vCPU machines), beside the bare exit cost of the same run.
# Usage: bench/mmu_cost.sh [ITERATIONS] [SHOOTDOWNS]   (needs /dev/kvm and build/)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-2000}
shootdowns=${2:-200}
bin=${SHADOWTLB_BIN:-build/vmm/shadowtlb}
summarize='
import json, sys
j = json.load(sys.stdin)
v = {x["name"]: x["value"] for x in j["values"]}
s = j["mmu_stats"]
row = (j["vcpus"], v["raw_exit_ns"], v["pte_write_ns"], s["pte_write"]["mean_ns"],
       v["shootdown_ns"], s["shootdown"]["mean_ns"])
print("{:>5}  {:>11}  {:>12}  {:>13}  {:>12}  {:>13}".format(*row))
'
echo "                 guest round trip (ns)                   VMM side (ns)"
echo "vcpus  raw_exit_ns  pte_write_ns  pte_write_vmm  shootdown_ns  shootdown_vmm"
for vcpus in 2 8 32; do
  "$bin" run bench-mmu --vcpus "$vcpus" --quiet --json --timeout 600 \
    --cmdline "bench.iterations=${iterations} bench.shootdowns=${shootdowns}" |
    python3 -c "$summarize"
done
