#!/usr/bin/env bash
# Time to the first HTTP answer of a server on a fresh data directory, the server's CPU seconds at that moment
# (user+sys, which other load on the machine disturbs far less than wall time), and idle RSS 2 s later.
#   bench/startup.sh JAR PORT [JVM options...]
# e.g. bench/startup.sh target/rampart.jar 19410 -XX:SharedArchiveFile=/tmp/r.jsa -XX:+AutoCreateSharedArchive
# The server gets bin/jvm-opts's default flags first, as ./rampart server does (RAMPART_JVM_DEFAULTS=0: none).
set -euo pipefail
JAR=$1 PORT=$2; shift 2
JAVA=$("$(dirname "$0")/../bin/find-jdk")/bin/java
D=$(mktemp -d /tmp/rampart-start.XXXX)
t0=$(date +%s%N)
RAMPART_ROOT_ACCESS_KEY=AKIABENCH00000000001 RAMPART_ROOT_SECRET_KEY=benchsecretbenchsecretbenchsecret0001 \
  "$JAVA" $("$(dirname "$0")/../bin/jvm-opts" "$JAVA" "$@") "$@" -jar "$JAR" server --data-dir "$D" --port "$PORT" >"$D.log" 2>&1 &
P=$!
until curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; do sleep 0.02; done
t1=$(date +%s%N); cpu=$(awk '{print ($14+$15)/100}' /proc/$P/stat)
sleep 2; rss=$(awk '/VmRSS/{print int($2/1024)}' /proc/$P/status)
kill $P; wait $P 2>/dev/null || true
echo "cpu_at_first_response_s=$cpu startup_s=$(echo "scale=3; ($t1-$t0)/1000000000" | bc) idle_rss_mib=$rss load=$(cut -d' ' -f1 /proc/loadavg)"
rm -rf "$D" "$D.log"
