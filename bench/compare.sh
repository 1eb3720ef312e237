#!/usr/bin/env bash
# Side-by-side benchmark: Rampart vs S3Proxy (filesystem backend) on this machine, same client, same matrix, same run.
#
# Starts each server on loopback with a fresh data directory, runs `rampart bench --json` for every row of the matrix
# against one server right after the other (same minute, order alternating by row), records each server's CPU seconds
# per cell from /proc, stops them, then prints a Markdown table with the ratio Rampart/S3Proxy for each row. Also measures the
# limits the issue names where they are at hand: nginx serving a 64 MiB file (if `apt-get install -y nginx` works),
# `dd ... conv=fsync` for 64 MiB writes and `openssl speed -evp aes-256-gcm`.
#
# Everything it downloads comes from Maven Central (S3Proxy) or Debian (nginx, jq). fsync stays on in Rampart.
#
# Environment (all optional):
#   RAMPART_JAR        the runnable jar (default: target/rampart.jar, built with `mvn -q -B -DskipTests package` if missing)
#   BENCH_DURATION     measured time per cell (default 10s)        BENCH_WARMUP   unmeasured warm-up per cell (default 2s)
#   BENCH_CONCURRENCY  workers for 4 KiB / 1 MiB / list (default 8); 64 MiB rows use half
#   BENCH_WORK         scratch directory (default: a new /tmp/rampart-compare.XXXXXX; results and logs are kept there)
#   BENCH_CACHE        where the S3Proxy jar is kept between runs (default ~/.cache/rampart-bench)
#   BENCH_PEERS        peers to run (default "rampart s3proxy")    BENCH_SSEC     1 to add the SSE-C 64 MiB rows (default 1)
#   S3PROXY_VERSION    (default 2.7.0)                             BENCH_PORT_BASE  first loopback port (default 19300)
#   BENCH_AOT          1 to start Rampart from a JDK 25 AOT cache recorded by an unmeasured first start, as ./rampart
#                      does (default 1; ignored on older JDKs)
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-$("$root/bin/find-jdk")}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
JAR=${RAMPART_JAR:-$root/target/rampart.jar}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
CONC=${BENCH_CONCURRENCY:-8}
BIG_CONC=$(( CONC / 2 > 0 ? CONC / 2 : 1 ))
PEERS=${BENCH_PEERS-rampart s3proxy}
SSEC=${BENCH_SSEC:-1}
AOT=${BENCH_AOT:-1}
S3PROXY_VERSION=${S3PROXY_VERSION:-2.7.0}
PORT_BASE=${BENCH_PORT_BASE:-19300}
ACCESS_KEY=AKIACOMPARE000000001
SECRET_KEY=compareSecretKey000000000000000000000001
WORK=${BENCH_WORK:-$(mktemp -d /tmp/rampart-compare.XXXXXX)}
CACHE=${BENCH_CACHE:-$HOME/.cache/rampart-bench}
mkdir -p "$WORK/results" "$CACHE"
chmod 755 "$WORK"
PIDS=()

log() { echo "compare: $*" >&2; }

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  # the servers' data and the nginx file go; the JSON results and logs stay
  rm -rf "$WORK/rampart-data" "$WORK/rampart-data.train" "$WORK/s3proxy-data" "$WORK/nginx/www" "$WORK/dd.bin" "$WORK/rampart.aot"
}
trap cleanup EXIT

command -v jq >/dev/null 2>&1 || { log "installing jq (Debian)"; apt-get install -y jq >/dev/null 2>&1 || { log "jq is required"; exit 1; }; }
command -v curl >/dev/null 2>&1 || { log "curl is required"; exit 1; }

if [ ! -f "$JAR" ]; then
  log "building $JAR"
  (cd "$root" && mvn -q -B -DskipTests package >&2)
fi

# ---------------------------------------------------------------- the matrix
# label | op | size | objects | concurrency | extra flags | peers (empty: all)
MATRIX=(
  "4 KiB PUT|put|4KiB|1000|$CONC|"
  "4 KiB GET|get|4KiB|200|$CONC|"
  "1 MiB PUT|put|1MiB|50|$CONC|"
  "1 MiB GET|get|1MiB|50|$CONC|"
  "64 MiB PUT|put|64MiB|4|$BIG_CONC|"
  "64 MiB GET|get|64MiB|4|$BIG_CONC|"
  "LIST 1,000 keys|list|4KiB|1000|$CONC|"
)
if [ "$SSEC" = 1 ]; then
  # Rampart only: the goal compares Rampart's SSE-C with its own plain figures (S3Proxy has no SSE-C). Rampart refuses
  # SSE-C over plain HTTP and on new buckets by default, as AWS does; the run allows both (loopback, test keys).
  MATRIX+=("64 MiB PUT SSE-C|put|64MiB|4|$BIG_CONC|--sse-c|rampart" "64 MiB GET SSE-C|get|64MiB|4|$BIG_CONC|--sse-c|rampart")
fi

slug() { echo "$1" | tr 'A-Z ,' 'a-z__' | tr -cd 'a-z0-9_-'; }

wait_http() { # $1 url, $2 pid: waits until anything answers HTTP; prints seconds taken
  local start end
  start=$(date +%s.%N)
  for _ in $(seq 1 600); do
    kill -0 "$2" 2>/dev/null || return 1
    if curl -s -o /dev/null --max-time 1 "$1"; then
      end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}'; return 0
    fi
    sleep 0.05
  done
  return 1
}

rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

proc_cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat" 2>/dev/null || echo 0; }

run_cell() { # $1 peer name, $2 endpoint, $3 server pid, $4 row
  local label op size objects conc extra only
  IFS='|' read -r label op size objects conc extra only <<<"$4"
  local out="$WORK/results/$1-$(slug "$label").json" c0 c1
  log "$1: $label (op $op, $size, $objects objects, $conc workers, $DURATION)"
  c0=$(proc_cpu "$3")
  # shellcheck disable=SC2086
  "$JAVA" -jar "$JAR" bench --endpoint "$2" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
    --op "$op" --size "$size" --objects "$objects" --concurrency "$conc" --duration "$DURATION" --warmup "$WARMUP" \
    $extra --json >"$out" 2>"$out.err" || log "$1: $label exited $? ($(tail -1 "$out.err"))"
  c1=$(proc_cpu "$3")
  # the server's CPU seconds over the whole cell (set-up, warm-up, measured part, clean-up): per measured op below
  awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", b - a}' >"$out.servercpu"
}

start_rampart() { # $1 port; sets SERVER_PID, START_SECS, IDLE_RSS
  local data="$WORK/rampart-data"
  rm -rf "$data"
  local flags=() jvm=() defaults
  defaults=$("$root/bin/jvm-opts" "$JAVA") # the flags ./rampart server runs with (the AOT cache needs the same)
  [ "$SSEC" = 1 ] && flags=(--allow-sse-c-over-http --allow-sse-c-on-new-buckets)
  if [ "$AOT" = 1 ] && "$JAVA" -XX:AOTCache=/dev/null -Xlog:aot=off -Xlog:cds=off -version >/dev/null 2>&1; then
    # As ./rampart starts it: from the AOT cache a first run records (JDK 25+); that first run is not measured.
    log "rampart: recording the AOT cache (one unmeasured start)"
    RAMPART_ROOT_ACCESS_KEY=$ACCESS_KEY RAMPART_ROOT_SECRET_KEY=$SECRET_KEY "$JAVA" $defaults -XX:AOTCacheOutput="$WORK/rampart.aot" \
      -Xlog:aot=off -Xlog:cds=off -jar "$JAR" server --data-dir "$data.train" --port "$1" >"$WORK/rampart-train.log" 2>&1 &
    local train=$!
    wait_http "http://127.0.0.1:$1/" "$train" >/dev/null && sleep 2
    kill "$train" 2>/dev/null; wait "$train" 2>/dev/null || true
    rm -rf "$data.train"
    [ -s "$WORK/rampart.aot" ] && jvm=(-XX:AOTCache="$WORK/rampart.aot" -Xlog:aot=off -Xlog:cds=off)
  fi
  RAMPART_ROOT_ACCESS_KEY=$ACCESS_KEY RAMPART_ROOT_SECRET_KEY=$SECRET_KEY \
    "$JAVA" $defaults ${jvm[@]+"${jvm[@]}"} -jar "$JAR" server --data-dir "$data" --port "$1" "${flags[@]}" >"$WORK/rampart.log" 2>&1 &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  START_SECS=$(wait_http "http://127.0.0.1:$1/" "$SERVER_PID") || { log "rampart did not start: $(tail -3 "$WORK/rampart.log")"; return 1; }
  sleep 2; IDLE_RSS=$(rss_mib "$SERVER_PID")
}

start_s3proxy() { # $1 port
  local jar="$CACHE/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
  if [ ! -f "$jar" ]; then
    log "downloading org.gaul:s3proxy:$S3PROXY_VERSION (Maven Central)"
    (cd "$WORK" && mvn -q -B dependency:copy -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
      -DoutputDirectory="$(dirname "$jar")" >&2) || { log "cannot download S3Proxy"; return 1; }
  fi
  local data="$WORK/s3proxy-data"
  rm -rf "$data"; mkdir -p "$data"
  cat >"$WORK/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$1
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$data
EOF
  "$JAVA" -jar "$jar" --properties "$WORK/s3proxy.conf" >"$WORK/s3proxy.log" 2>&1 &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  START_SECS=$(wait_http "http://127.0.0.1:$1/" "$SERVER_PID") || { log "s3proxy did not start: $(tail -3 "$WORK/s3proxy.log")"; return 1; }
  sleep 2; IDLE_RSS=$(rss_mib "$SERVER_PID")
}

start_nginx() { # $1 port: nginx serving one 64 MiB file (the large-GET limit); sets NGINX_URL
  command -v nginx >/dev/null 2>&1 || apt-get install -y nginx >/dev/null 2>&1 || { log "nginx not available: no 64 MiB GET limit"; return 1; }
  mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp" "$WORK/nginx/out"
  head -c $((64 << 20)) /dev/urandom >"$WORK/nginx/www/64mib"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp; fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
  server { listen 127.0.0.1:$1; root $WORK/nginx/www; }
}
EOF
  nginx -c "$WORK/nginx/nginx.conf" >/dev/null 2>&1 &
  NGINX_PID=$!; PIDS+=("$NGINX_PID")
  NGINX_URL="http://127.0.0.1:$1/64mib"
  wait_http "$NGINX_URL" "$NGINX_PID" >/dev/null || { log "nginx did not start"; NGINX_URL=""; return 1; }
}

nginx_cell() { # 64 MiB GETs from nginx with BIG_CONC curl loops for DURATION; sets NGINX_MBS
  log "nginx: 64 MiB GET with $BIG_CONC curl loops for $DURATION"
  local secs end t0 t1 bytes loops=()
  secs=$(echo "$DURATION" | sed 's/s$//')
  end=$(( $(date +%s) + ${secs%.*} ))
  t0=$(date +%s.%N)
  for w in $(seq 1 "$BIG_CONC"); do
    ( while [ "$(date +%s)" -lt "$end" ]; do
        curl -s -o /dev/null -w '%{size_download}\n' "$NGINX_URL"
      done >"$WORK/nginx/out/w$w" ) &
    loops+=($!)
  done
  for j in "${loops[@]}"; do wait "$j" 2>/dev/null || true; done
  t1=$(date +%s.%N)
  bytes=$(cat "$WORK/nginx/out"/w* | awk '{s += $1} END {print s + 0}')
  NGINX_MBS=$(awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN {printf "%.1f", b / 1e6 / (z - a)}')
}

# ---------------------------------------------------------------- run
log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $("$JAVA" -version 2>&1 | head -1)"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
began=$(date +%s)
port=$PORT_BASE
declare -A START IDLE ENDPOINT SPID
# Every peer runs at the same time, idle but for its own cells, and each row is run against one peer right after the
# other (the order alternating from row to row): the two figures of a pair are measured in the same minute, under
# the same load from the rest of the machine.
for peer in $PEERS; do
  port=$((port + 1))
  if "start_$peer" "$port"; then
    START[$peer]=$START_SECS; IDLE[$peer]=$IDLE_RSS; ENDPOINT[$peer]="http://127.0.0.1:$port"; SPID[$peer]=$SERVER_PID
    log "$peer up on port $port in ${START_SECS}s, idle RSS ${IDLE_RSS} MiB"
  else
    START[$peer]="-"; IDLE[$peer]="-"
  fi
done
NGINX_MBS="-"; NGINX_URL=""
port=$((port + 1))
start_nginx "$port" || true
n=0
for row in "${MATRIX[@]}"; do
  IFS='|' read -r label op size objects conc extra only <<<"$row"
  order=$PEERS
  [ $((n % 2)) = 1 ] && order=$(echo "$PEERS" | tr ' ' '\n' | tac | tr '\n' ' ')
  n=$((n + 1))
  for peer in $order; do
    [ -n "${ENDPOINT[$peer]:-}" ] || continue
    if [ -n "$only" ] && [ "$only" != "$peer" ]; then continue; fi
    run_cell "$peer" "${ENDPOINT[$peer]}" "${SPID[$peer]}" "$row"
  done
  # the large-GET limit in the same minutes as the servers' 64 MiB GETs
  if [ "$label" = "64 MiB GET" ] && [ -n "$NGINX_URL" ]; then nginx_cell; fi
done
if [ -n "${NGINX_PID:-}" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
for peer in $PEERS; do
  [ -n "${SPID[$peer]:-}" ] || continue
  kill "${SPID[$peer]}" 2>/dev/null || true; wait "${SPID[$peer]}" 2>/dev/null || true
done

# ---------------------------------------------------------------- limits (nginx ran with the matrix)
log "dd: 64 MiB writes with conv=fsync"
dd_out=$(for _ in 1 2 3; do dd if=/dev/zero of="$WORK/dd.bin" bs=1M count=64 conv=fsync 2>&1 | tail -1; done)
DD_MBS=$(echo "$dd_out" | awk -F', ' '{print $NF}' | tr '\n' ';' | sed 's/;$//')
rm -f "$WORK/dd.bin"
OPENSSL_GCM="-"
if command -v openssl >/dev/null 2>&1; then
  log "openssl speed -evp aes-256-gcm"
  # the last column is 16 KiB blocks, in 1000s of bytes per second ("2451152.10k")
  OPENSSL_GCM=$(openssl speed -seconds 2 -evp aes-256-gcm 2>/dev/null \
    | awk 'toupper($1) == "AES-256-GCM" {v = $NF; sub(/k$/, "", v); printf "%.0f", v / 1000}' | tail -1)
fi

# ---------------------------------------------------------------- table
val() { # $1 file, $2 jq expression
  [ -s "$1" ] && jq -r "$2 // empty" "$1" 2>/dev/null || true
}
metric_of() { # $1 label -> jq path of the headline metric and its unit
  case "$1" in
    4*|LIST*) echo '.totals.opsPerSec|ops/s' ;;
    *) echo '.totals.mbPerSec|MB/s' ;;
  esac
}
cell() { # $1 peer, $2 label -> "value (p50/p99 ms, errors)" pieces
  local f="$WORK/results/$1-$(slug "$2").json" m unit v
  IFS='|' read -r m unit <<<"$(metric_of "$2")"
  v=$(val "$f" "$m")
  echo "${v:--}"
}
detail() { # $1 peer, $2 label
  local f="$WORK/results/$1-$(slug "$2").json" cpu
  [ -s "$f" ] || { echo "no result"; return; }
  cpu=$(cat "$f.servercpu" 2>/dev/null || echo "")
  jq -r --arg cpu "$cpu" '[.results[]] as $r | "p50 \($r | map(.latencyMs.p50) | max // 0) ms, p99 \($r | map(.latencyMs.p99) | max // 0) ms, errors \(.totals.errors)\(if .totals.errors > 0 then " " + (.totals.errorsByCode | tostring) else "" end), client CPU \(.client.cpuCores // "?") cores\(if $cpu != "" and .totals.ops > 0 then ", server CPU \($cpu) s in the cell, set-up included (\(($cpu | tonumber) * 1000 / .totals.ops * 1000 | round / 1000) ms per measured op)" else "" end)"' "$f"
}
ratio() {
  if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]]; then
    awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else printf "-"}'
  else echo "-"; fi
}

echo
echo "## Rampart vs S3Proxy $S3PROXY_VERSION (filesystem): $DURATION per cell after $WARMUP warm-up, same client"
echo
echo "| row | metric | Rampart | S3Proxy | Rampart/S3Proxy | Rampart detail | S3Proxy detail |"
echo "| --- | --- | ---: | ---: | ---: | --- | --- |"
for row in "${MATRIX[@]}"; do
  IFS='|' read -r label op size objects conc extra only <<<"$row"
  IFS='|' read -r _ unit <<<"$(metric_of "$label")"
  r=$(cell rampart "$label"); s=$(cell s3proxy "$label")
  echo "| $label ($conc workers) | $unit | $r | $s | $(ratio "$r" "$s") | $(detail rampart "$label") | $(detail s3proxy "$label") |"
done
echo "| start-up to first response | s | ${START[rampart]:--} | ${START[s3proxy]:--} | $(ratio "${START[rampart]:--}" "${START[s3proxy]:--}") | | |"
echo "| idle RSS after start-up | MiB | ${IDLE[rampart]:--} | ${IDLE[s3proxy]:--} | $(ratio "${IDLE[rampart]:--}" "${IDLE[s3proxy]:--}") | | |"
echo
echo "## Limits measured in the same run"
echo
r64=$(cell rampart "64 MiB GET")
echo "| limit | figure | Rampart/limit |"
echo "| --- | ---: | ---: |"
echo "| nginx 64 MiB GET, $BIG_CONC curl loops, sendfile, right after the servers' 64 MiB GETs | $NGINX_MBS MB/s | $(ratio "$r64" "$NGINX_MBS") (64 MiB GET) |"
echo "| dd if=/dev/zero bs=1M count=64 conv=fsync (3 runs) | $DD_MBS | |"
echo "| openssl speed -evp aes-256-gcm, 16 KiB blocks, 1 core | ${OPENSSL_GCM:--} MB/s | |"
if [ "$SSEC" = 1 ]; then
  for d in PUT GET; do
    a=$(cell rampart "64 MiB $d SSE-C"); b=$(cell rampart "64 MiB $d")
    echo "| Rampart 64 MiB $d: SSE-C / plain | $a / $b MB/s | $(ratio "$a" "$b") |"
  done
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); total $(( $(date +%s) - began )) s; raw JSON in $WORK/results"
