#!/bin/sh
# Times one or more arcsim binaries on the benchmark images (built by run.sh), running
# them in turn (A B A B ...) so that a drift in the machine's speed hits all alike, and
# prints per binary and benchmark the min and median over RUNS runs of whole-process CPU
# time (user + sys) and wall time, with the simulated instructions per second they give.
# Usage: sim/bench/compare.sh [-n RUNS] ARCSIM [ARCSIM ...]   (run.sh first; RUNS >= 5)
set -e
runs=7
if [ "$1" = "-n" ]; then runs=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: $0 [-n RUNS] ARCSIM [ARCSIM ...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
target=${CARGO_TARGET_DIR:-$here/../../target}
out=$target/arcsim-bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for b in compute tlb_heavy; do
    [ -f "$out/$b" ] || { echo "$out/$b missing: run sim/bench/run.sh first" >&2; exit 2; }
    insns=$("$1" run --stats "$out/$b" 2>&1 | awk '/^instructions/ {print $2}')
    i=0
    while [ $i -lt "$runs" ]; do
        j=0
        for sim in "$@"; do
            /usr/bin/time -q -f "%U %S %e" -a -o "$tmp/$b.$j" "$sim" run "$out/$b" >/dev/null 2>&1 || true
            j=$((j + 1))
        done
        i=$((i + 1))
    done
    j=0
    for sim in "$@"; do
        sort_min_med() { sort -n | awk '{v[NR] = $1} END {printf "%.3f %.3f", v[1], v[int((NR + 1) / 2)]}'; }
        cpu=$(awk '{print $1 + $2}' "$tmp/$b.$j" | sort_min_med)
        wall=$(awk '{print $3}' "$tmp/$b.$j" | sort_min_med)
        echo "$b $insns $cpu $wall" | awk -v sim="$sim" -v n="$runs" '{
            printf "%-10s %-40s %d runs  cpu s min %s med %s (%.0f / %.0f M insns/s)  wall s min %s med %s (%.0f / %.0f M insns/s)\n",
                $1, sim, n, $3, $4, $2 / $3 / 1e6, $2 / $4 / 1e6, $5, $6, $2 / $5 / 1e6, $2 / $6 / 1e6 }'
        j=$((j + 1))
    done
done
