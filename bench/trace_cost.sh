#!/usr/bin/env bash
# What --trace costs (issue 6): the seed scenario, the same controlled run,
# N times without and N times with --trace (alternating, so a change in host
# load hits both alike). Prints mean and standard deviation of the run's wall
# time (--json wall_ms: the VM's run, not process start-up) and the trace's size.
# Usage: bench/trace_cost.sh [N]   (needs /dev/kvm and build/)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
bin=${SHADOWTLB_BIN:-build/vmm/shadowtlb}
scenario=(run mremap-race --cmdline mremap_flush=after-unlock --quiet --json)
trace=$(mktemp --suffix=.pb)
trap 'rm -f "$trace"' EXIT

wall_ms() {
  # Exit code 3 is the seed race's lost_write: the expected result, not a failure.
  { "$bin" "${scenario[@]}" "$@" 2>/dev/null || [ $? -eq 3 ]; } |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["wall_ms"])'
}

plain=() traced=() bytes=0
for ((i = 0; i < n; i++)); do
  plain+=("$(wall_ms)")
  traced+=("$(wall_ms --trace "$trace")")
  bytes=$(stat -c %s "$trace")
done

# The record count, from the line `run` prints about its trace.
records=$({ "$bin" run mremap-race --cmdline mremap_flush=after-unlock --trace "$trace" 2>&1 >/dev/null || true; } |
  sed -n 's/^shadowtlb: trace .*: \([0-9]*\) records.*/\1/p')

python3 - "$n" "$bytes" "${plain[*]}" "${traced[*]}" "$records" <<'PY'
import statistics, sys
n, size = int(sys.argv[1]), int(sys.argv[2])
plain = [float(x) for x in sys.argv[3].split()]
traced = [float(x) for x in sys.argv[4].split()]
def row(label, xs, size):
    sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
    print(f"{label:<16} {len(xs):>4} {statistics.mean(xs):>13.1f} {sd:>9.1f} {statistics.median(xs):>9.1f} {size:>12}")
print(f"{'':<16} {'runs':>4} {'mean wall_ms':>13} {'stdev':>9} {'median':>9} {'trace bytes':>12}")
row("without --trace", plain, 0)
row("with --trace", traced, size)
m0, m1 = statistics.mean(plain), statistics.mean(traced)
print(f"overhead: {m1 - m0:+.1f} ms per run ({(m1 / m0 - 1) * 100:+.1f}%); {sys.argv[5]} records, "
      f"{size / max(int(sys.argv[5] or 1), 1):.0f} bytes per record")
PY
