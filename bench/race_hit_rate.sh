#!/usr/bin/env bash
# Free-running hit rate of the seed race (issue 5): how many of N runs of the
# unfixed kernel lose the write, with no help and with the window widened by
# --delay, as the commit's authors widened it with msleep().
# Usage: bench/race_hit_rate.sh [RUNS] [DELAYED_RUNS]   (needs /dev/kvm and build/)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000}
delayed_runs=${2:-200}
bin=${SHADOWTLB_BIN:-build/vmm/shadowtlb}
summarize='
import json, sys
j = json.load(sys.stdin)["iterations"]
lost = j["verdicts"].get("lost_write", 0)
print("{:>6}  {:>10}  {:>8.1%}  {}".format(j["runs"], lost, lost / j["runs"], sys.argv[1]))
'
run() {
  local label=$1 image=$2 n=$3
  shift 3
  # Exit code 3 says some run lost the write: that is the measurement, not a failure.
  { "$bin" run "$image" --schedule free --iterations "$n" --quiet --json \
      --cmdline mremap_flush=after-unlock "$@" 2>/dev/null || [ $? -eq 3 ]; } |
    python3 -c "$summarize" "$label"
}
echo "  runs  lost_write  hit rate  image and delays"
run "mremap-race, no delay" mremap-race "$runs"
run "mremap-race, race.t1.wrote_1=2ms move_ptes.unlock=20ms" mremap-race "$delayed_runs" \
  --delay race.t1.wrote_1=2ms --delay move_ptes.unlock=20ms
run "mremap-race-3t, no delay" mremap-race-3t "$runs"
run "mremap-race-3t, race.t1.wrote_1=2ms move_ptes.unlock=20ms" mremap-race-3t "$delayed_runs" \
  --delay race.t1.wrote_1=2ms --delay move_ptes.unlock=20ms
run "thp-race, no delay" thp-race "$((runs / 10))"
run "thp-race, race.t1.wrote_1=2ms move_huge_pmd.unlock=1s" thp-race "$((delayed_runs / 4))" \
  --delay race.t1.wrote_1=2ms --delay move_huge_pmd.unlock=1s
