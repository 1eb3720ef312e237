#!/bin/bash
# The recovery window's cost on an overwrite-heavy load: two servers side by side, one with the window on (7d, the
# default) and one with it off (--recovery-window 0), each given the same 4 KiB PUT run over 100 keys (every PUT after
# the first hundred replaces a version, which the window keeps), in alternating order, ROUNDS times.
# Env: RAMPART_JAR (default target/rampart.jar), JAVA (default java), WORK (default /tmp/window-bench), ROUNDS (4).
set -u
JAR=${RAMPART_JAR:-target/rampart.jar}
JAVA=${JAVA:-java}
SERVER_JVM=$("$(dirname "$0")/../bin/jvm-opts" "$JAVA") # ./rampart server's flags
WORK=${WORK:-/tmp/window-bench}
ROUNDS=${ROUNDS:-4}
export RAMPART_ROOT_ACCESS_KEY=AKIABENCHWINDOW00001 RAMPART_ROOT_SECRET_KEY=benchWindowSecret000000000000000000000001
rm -rf "$WORK" && mkdir -p "$WORK"
"$JAVA" $SERVER_JVM -jar "$JAR" server --data-dir "$WORK/on" --port 19401 --recovery-window 7d > "$WORK/on.log" 2>&1 &
ON=$!
"$JAVA" $SERVER_JVM -jar "$JAR" server --data-dir "$WORK/off" --port 19402 --recovery-window 0 > "$WORK/off.log" 2>&1 &
OFF=$!
trap 'kill $ON $OFF 2>/dev/null' EXIT
for _ in $(seq 1 60); do grep -q listening "$WORK/on.log" && grep -q listening "$WORK/off.log" && break; sleep 1; done
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  order="19401 19402"; [ $((round % 2)) -eq 0 ] && order="19402 19401"
  for port in $order; do
    name=$([ "$port" = 19401 ] && echo on || echo off)
    "$JAVA" -jar "$JAR" bench --endpoint "http://127.0.0.1:$port" --access-key "$RAMPART_ROOT_ACCESS_KEY" \
      --secret-key "$RAMPART_ROOT_SECRET_KEY" --op put --size 4KiB --objects 100 --concurrency 8 --duration 10s \
      --warmup 5s --json > "$WORK/round$round-$name.json"
    python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["results"]["PUT"]; l=p["latencyMs"]
print("round %s window=%-3s %8.1f ops/s  p50 %.1f ms  p99 %.1f ms  errors %d" % (sys.argv[2], sys.argv[3], p["opsPerSec"], l["p50"], l["p99"], p["errors"]))' \
      "$WORK/round$round-$name.json" "$round" "$name"
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
du -sh "$WORK/on" "$WORK/off"
