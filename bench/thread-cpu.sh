#!/usr/bin/env bash
# Where a Rampart server's CPU goes, by thread, under a steady 4 KiB flood: runs bench/wrk-presigned.sh against
# Rampart alone (one op, WARMUP s of warm-up, then a 20 s measured cell) and, 10 s into the flood after the warm-up,
# reads every thread's user+system time from /proc twice, 10 s apart. Prints each thread group's share of the server's
# CPU (digits dropped from names: ForkJoinPool-1-worker-3 -> ForkJoinPool--worker-; Linux cuts names to 15 chars),
# the total in cores, then the wrk cell's row (req/s, CPU per request).
#
#   bash bench/thread-cpu.sh get|put        env: RAMPART_JAR (default target/rampart.jar), WARMUP (default 45)
#
# Nothing else should run meanwhile. Native code (SQLite, zlib, the kernel) counts here but not in JFR's samples.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
op=${1:?get or put}
warm=${WARMUP:-45}
out=$(mktemp /tmp/thread-cpu.XXXXXX)
RAMPART_JAR=${RAMPART_JAR:-$root/target/rampart.jar} PEERS=rampart OPS=$op ROUNDS=1 WARMUP=$warm SETTLE_MAX=0 \
  DURATION=20 bash "$root/bench/wrk-presigned.sh" >"$out" 2>/dev/null &
bench=$!
sleep $((warm + 10))
pid=$(pgrep -f -- "--data-dir .*/rampart-data" | head -1)
snap() {
  for t in /proc/"$pid"/task/*; do
    echo "$(basename "$t") $(tr -d '0-9#' <"$t/comm" | tr ' ' '_') $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)"
  done | sort
}
snap >"$out.0"; sleep 10; snap >"$out.1"
join "$out.0" "$out.1" | awk '{d = $5 - $3; n[$2] += d; tot += d}
  END {for (k in n) if (n[k] > 0) printf "%6.1f%% %s\n", 100 * n[k] / tot, k; printf "total %.2f cores\n", tot / 1000}' \
  | sort -rn | head -25
wait "$bench"
grep '^| 1' "$out" || true
rm -f "$out" "$out.0" "$out.1"
