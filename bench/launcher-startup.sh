#!/usr/bin/env bash
# `./rampart server` end to end, launcher included: wall time from the launcher to the first HTTP answer on a fresh
# data directory, and the JVM's CPU seconds at that moment; then stops the server and waits for it to exit.
#   bench/launcher-startup.sh CHECKOUT PORT     (CHECKOUT: a tree with ./rampart and target/rampart.jar)
# The first start of a checkout records its class cache (AOT or AppCDS) at exit: run once unmeasured first.
set -euo pipefail
ROOT=$1 PORT=$2
D=$(mktemp -d /tmp/rampart-launch.XXXX)
t0=$(date +%s%N)
RAMPART_ROOT_ACCESS_KEY=AKIABENCH00000000001 RAMPART_ROOT_SECRET_KEY=benchsecretbenchsecretbenchsecret0001 \
  "$ROOT/rampart" server --data-dir "$D/d" --port "$PORT" >"$D/log" 2>&1 &
P=$!
until curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; do sleep 0.01; done
t1=$(date +%s%N)
cpu=$(awk '{print ($14+$15)/100}' "/proc/$P/stat")
echo "$ROOT wall_ms=$(( (t1 - t0) / 1000000 )) cpu_s=$cpu load=$(cut -d' ' -f1 /proc/loadavg)"
kill "$P"; wait "$P" 2>/dev/null || true
rm -rf "$D"
