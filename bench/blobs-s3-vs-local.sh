#!/bin/bash
# L: local blobs; B: a plain Rampart holding A's blobs; A: --blobs s3://... on B.
# Usage: bash bench/blobs-s3-vs-local.sh (from the checkout, jar built: target/rampart.jar). About 90 s.
set -u
cd "$(dirname "$0")/.."
JAVA_HOME=$(bin/find-jdk); J="$JAVA_HOME/bin/java -jar target/rampart.jar"
S="$JAVA_HOME/bin/java $(bin/jvm-opts "$JAVA_HOME") -jar target/rampart.jar" # servers: ./rampart server's flags
W=${BENCH_WORK:-/tmp/blobbench}; rm -rf $W/l $W/b $W/a; mkdir -p $W/l $W/b $W/a
export RAMPART_ROOT_ACCESS_KEY=AKIABENCHADMIN000001 RAMPART_ROOT_SECRET_KEY=benchSecretKey00000000000000000000000001
K="--access-key $RAMPART_ROOT_ACCESS_KEY --secret-key $RAMPART_ROOT_SECRET_KEY"
wait_up() { for i in $(seq 1 120); do curl -s -o /dev/null http://127.0.0.1:$1/ && return 0; sleep 0.5; done; return 1; }
$S server --data-dir $W/l --port 19411 --recovery-window 0 > $W/l.log 2>&1 & echo $! > $W/l.pid
$S server --data-dir $W/b --port 19412 --recovery-window 0 --no-auto-respond > $W/b.log 2>&1 & echo $! > $W/b.pid
wait_up 19411; wait_up 19412
$J bench --endpoint http://127.0.0.1:19412 $K --bucket rampart-blobs --op put --objects 1 --duration 0 --keep > /dev/null
RAMPART_BLOBS_ACCESS_KEY_ID=$RAMPART_ROOT_ACCESS_KEY RAMPART_BLOBS_SECRET_ACCESS_KEY=$RAMPART_ROOT_SECRET_KEY \
  $S server --data-dir $W/a --port 19413 --recovery-window 0 --blobs 's3://rampart-blobs/a?endpoint=http://127.0.0.1:19412' > $W/a.log 2>&1 & echo $! > $W/a.pid
wait_up 19413
for op in put get; do
  for port in 19411 19413; do
    echo "== $op port $port $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
    $J bench --endpoint http://127.0.0.1:$port $K --op $op --size 1MiB --objects 50 --concurrency 4 --duration 15s --warmup 3s
  done
done
kill $(cat $W/a.pid); kill $(cat $W/l.pid); sleep 2; kill $(cat $W/b.pid); wait
