#!/usr/bin/env bash
# The detector's share of server CPU under a 4 KiB GET flood, for two builds in the same run: each server runs with a
# JFR profile (settings=profile), `rampart bench --op get` drives it, and the execution samples are counted per thread
# (the detector's thread is rampart-detector). Alternates the two servers for ROUNDS rounds.
# Usage: bench/detector-share.sh BEFORE_CLASSPATH AFTER_CLASSPATH [ROUNDS] [SECONDS]
# (a classpath: a runnable rampart.jar, or e.g. target/classes:old/rampart.jar to run new classes on the same deps)
set -euo pipefail
before=$1 after=$2 rounds=${3:-2} secs=${4:-20}
JAVA_HOME=$(dirname "$(readlink -f "$0")")/../bin/find-jdk; JAVA_HOME=$("$JAVA_HOME"); JAVA="$JAVA_HOME/bin/java"
WORK=$(mktemp -d /tmp/rampart-detshare.XXXXXX)
AK=AKIABENCHDETECTOR001 SK=benchdetectorsecretkey0000000000000000000
run() { # $1 label $2 jar $3 port
  local data="$WORK/$1-data" jfr="$WORK/$1-$4.jfr"
  rm -rf "$data"
  RAMPART_ROOT_ACCESS_KEY=$AK RAMPART_ROOT_SECRET_KEY=$SK "$JAVA" $("$(dirname "$(readlink -f "$0")")/../bin/jvm-opts" "$JAVA") \
    -XX:StartFlightRecording=settings=profile,filename="$jfr",dumponexit=true \
    -cp "$2" io.rampart.cli.Main server --data-dir "$data" --port "$3" >"$WORK/$1.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$3/" && break; sleep 0.2; done
  AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK "$JAVA" -cp "$after" io.rampart.cli.Main bench --endpoint "http://127.0.0.1:$3" \
    --op get --size 4096 --objects 16 --concurrency 16 --warmup 5 --duration "$secs" --json >"$WORK/$1-$4.json"
  kill "$pid"; wait "$pid" || true
  local total det
  "$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample "$jfr" >"$WORK/$1-$4.txt"
  total=$(grep -c 'jdk.ExecutionSample' "$WORK/$1-$4.txt")
  det=$(grep -A2 'jdk.ExecutionSample' "$WORK/$1-$4.txt" | grep -c 'sampledThread = "rampart-detector"' || true)
  ops=$(jq -r '.totals.ops' "$WORK/$1-$4.json")
  echo "$1 round $4: $ops GETs, samples $total, detector $det ($(awk -v d="$det" -v t="$total" 'BEGIN{printf "%.1f", 100*d/t}') %)"
}
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then run before "$before" 19301 "$r"; run after "$after" 19302 "$r"
  else run after "$after" 19302 "$r"; run before "$before" 19301 "$r"; fi
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); work dir $WORK"
