#!/usr/bin/env bash
# Small requests with a near-free client: wrk replaying one presigned SigV4 URL against Rampart, S3Proxy and nginx.
#
# Starts Rampart (as shipped: fsync, encryption at rest, the durable trail and the detector all on), S3Proxy
# (filesystem backend) and nginx (the same 4 KiB file, sendfile) side by side on loopback, puts one 4 KiB object in
# each store, presigns a GET (and a PUT) of it, then runs wrk with CONNECTIONS connections against each server in
# turn: one unmeasured warm-up pass, then ROUNDS rounds in which the servers alternate (order reversed every round), so
# the figures of one round are taken in the same minute. PUT replays one presigned PUT URL with a 4 KiB body (a Lua
# script; nginx has no PUT and is skipped). For each cell: requests/s, p50/p99 latency, non-2xx answers, the server's
# CPU seconds per 1,000 requests (user+system from /proc/PID/stat before and after; nginx: master and workers) and
# the load average. A Markdown table goes to stdout, raw wrk output to $WORK.
#
# Everything comes from Debian (wrk, nginx) or Maven Central (S3Proxy). Run it on a quiet machine for figures to quote;
# on a shared one read only the pairs of one round.
#
# Environment (all optional):
#   RAMPART_JAR   runnable jar (default target/rampart.jar)        S3PROXY_VERSION  (default 4.1.0)
#   DURATION      wrk seconds per measured cell (default 10)        WARMUP           wrk seconds per warm-up cell (default 10)
#   ROUNDS        measured rounds (default 3)                       CONNECTIONS      (default 16)   THREADS wrk threads (default 2)
#   OPS           "get put" (default)                               PEERS            "rampart s3proxy nginx" (default)
#                 (peers: rampart, rampartb, s3proxy, nginx, jetty = the floor: Jetty as Rampart configures it
#                 answering a fixed 4 KiB with no S3 work, bench/JettyFloor.java)
#   BENCH_WORK    scratch dir (default a new /tmp/wrk-presigned.XXXXXX)   BENCH_CACHE   S3Proxy jar cache (~/.cache/rampart-bench)
#   PORT_BASE     first loopback port (default 19500)               RAMPART_JVM      extra JVM flags for Rampart (after
#   bin/jvm-opts's defaults, which ./rampart server uses too; RAMPART_JVM_DEFAULTS=0 leaves those out)
#   SETTLE_MAX    after WARMUP, at most this many more seconds of 5 s warm-up passes for a Java server while its JIT
#                 still compiles (default 120; 0 = off)   SETTLE_METHODS  "settled": at most this many compilations
#                 in a 5 s pass (default 20; from jstat -compiler). C2 compiles for ~35 s after start under a flood:
#                 a cell measured before that measures the compiler, not the server.
#   RAMPART_JAR_B a second Rampart jar, the peer "rampartb" (e.g. PEERS="rampart rampartb"): before/after pairs of two
#                 builds in the same run, alternating like the other peers (RAMPART_JVM applies to both)
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-$("$root/bin/find-jdk")}
JAVA="$JAVA_HOME/bin/java"
JAR=${RAMPART_JAR:-$root/target/rampart.jar}
S3PROXY_VERSION=${S3PROXY_VERSION:-4.1.0}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10}
SETTLE_MAX=${SETTLE_MAX:-120}
SETTLE_METHODS=${SETTLE_METHODS:-20}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
OPS=${OPS:-get put}
PEERS=${PEERS:-rampart s3proxy nginx}
PORT_BASE=${PORT_BASE:-19500}
WORK=${BENCH_WORK:-$(mktemp -d /tmp/wrk-presigned.XXXXXX)}
CACHE=${BENCH_CACHE:-$HOME/.cache/rampart-bench}
ACCESS_KEY=AKIAWRKPRESIGNED0001
SECRET_KEY=wrkPresignedSecretKey0000000000000000001
BUCKET=wrk-bench
KEY=obj-4k
mkdir -p "$WORK/out" "$CACHE"
PIDS=()
log() { echo "wrk-presigned: $*" >&2; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK/rampart-data" "$WORK/rampartb-data" "$WORK/s3proxy-data" "$WORK/nginx/www"
}
trap cleanup EXIT
for tool in wrk nginx python3 curl; do
  command -v "$tool" >/dev/null 2>&1 || { log "installing $tool (Debian)"; apt-get install -y "$tool" >/dev/null 2>&1 || true; }
done
command -v wrk >/dev/null || { log "wrk is required (apt-get install wrk)"; exit 1; }
[ -f "$JAR" ] || { log "no $JAR: build it with mvn -q -B -DskipTests package"; exit 1; }

# SigV4 query-string presigning (AWS's "Authenticating Requests: Using Query Parameters"), path-style, UNSIGNED-PAYLOAD.
cat >"$WORK/presign.py" <<'EOF'
import datetime, hashlib, hmac, sys, urllib.error, urllib.parse, urllib.request
def presign(method, endpoint, path, ak, sk, region="us-east-1", expires=86400):
    host = urllib.parse.urlparse(endpoint).netloc
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{day}/{region}/s3/aws4_request"
    q = {"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": f"{ak}/{scope}", "X-Amz-Date": amz_date,
         "X-Amz-Expires": str(expires), "X-Amz-SignedHeaders": "host"}
    enc = lambda s: urllib.parse.quote(s, safe="-_.~")
    cq = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(q.items()))
    creq = "\n".join([method, urllib.parse.quote(path, safe="/-_.~"), cq, f"host:{host}", "", "host", "UNSIGNED-PAYLOAD"])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + sk).encode()
    for part in (day, region, "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return f"{endpoint}{urllib.parse.quote(path, safe='/-_.~')}?{cq}&X-Amz-Signature={sig}"
def call(method, url, body=None):
    try:
        return urllib.request.urlopen(urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/octet-stream"}), timeout=30).status
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {url}: {e.code} {e.read()[:300]!r}")
if __name__ == "__main__":
    cmd, method, endpoint, path, ak, sk = sys.argv[1:7]
    url = presign(method, endpoint, path, ak, sk)
    if cmd == "url":
        print(url)
    else:  # "do": PUT with the body from argv[7] (a file), or the request without a body
        body = open(sys.argv[7], "rb").read() if len(sys.argv) > 7 else (b"" if method == "PUT" else None)
        print(call(method, url, body))
EOF
head -c 4096 /dev/urandom >"$WORK/body.4k"
# wrk: one presigned PUT with a 4 KiB body (the URL's path and query come from the command line)
cat >"$WORK/put.lua" <<EOF
local f = io.open("$WORK/body.4k", "rb"); local body = f:read("*a"); f:close()
wrk.method = "PUT"; wrk.body = body; wrk.headers["Content-Type"] = "application/octet-stream"
EOF

wait_http() { # $1 url $2 pid
  for _ in $(seq 1 1200); do
    kill -0 "$2" 2>/dev/null || return 1
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.05
  done
  return 1
}
cpu_of() { # CPU seconds (user+system) of the pids given
  local s=0 p
  for p in "$@"; do s=$(awk -v s="$s" '{printf "%.2f", s + ($14 + $15) / 100}' "/proc/$p/stat" 2>/dev/null || echo "$s"); done
  echo "$s"
}
declare -A ENDPOINT SPID GETURL PUTURL

start_rampart() { # $1 port [$2 peer name, $3 jar]
  local port=$1 peer=${2:-rampart} jar=${3:-$JAR} data="$WORK/${2:-rampart}-data"
  rm -rf "$data"
  # shellcheck disable=SC2086
  RAMPART_ROOT_ACCESS_KEY=$ACCESS_KEY RAMPART_ROOT_SECRET_KEY=$SECRET_KEY \
    "$JAVA" $("$root/bin/jvm-opts" "$JAVA" ${RAMPART_JVM:-}) ${RAMPART_JVM:-} -jar "$jar" server --data-dir "$data" --port "$port" >"$WORK/$peer.log" 2>&1 &
  SPID[$peer]=$!; PIDS+=($!)
  ENDPOINT[$peer]="http://127.0.0.1:$port"
  wait_http "${ENDPOINT[$peer]}/" "${SPID[$peer]}" || { log "$peer did not start: $(tail -3 "$WORK/$peer.log")"; return 1; }
}
start_rampartb() {
  [ -f "${RAMPART_JAR_B:-}" ] || { log "rampartb needs RAMPART_JAR_B"; return 1; }
  start_rampart "$1" rampartb "$RAMPART_JAR_B"
}
start_jetty() { # the floor: Jetty as Rampart configures it, a fixed 4 KiB answer, no S3 work (bench/JettyFloor.java)
  local port=$1
  # shellcheck disable=SC2086
  "$JAVA" $("$root/bin/jvm-opts" "$JAVA" ${RAMPART_JVM:-}) ${RAMPART_JVM:-} -cp "$JAR" "$root/bench/JettyFloor.java" "$port" "$WORK/body.4k" >"$WORK/jetty.log" 2>&1 &
  SPID[jetty]=$!; PIDS+=($!)
  ENDPOINT[jetty]="http://127.0.0.1:$port"
  wait_http "${ENDPOINT[jetty]}/" "${SPID[jetty]}" || { log "jetty did not start: $(tail -3 "$WORK/jetty.log")"; return 1; }
}
start_s3proxy() {
  local port=$1 jar="$CACHE/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar" data="$WORK/s3proxy-data"
  if [ ! -f "$jar" ]; then
    log "downloading org.gaul:s3proxy:$S3PROXY_VERSION jar-with-dependencies (Maven Central)"
    curl -sfL -o "$jar.part" "https://repo1.maven.org/maven2/org/gaul/s3proxy/$S3PROXY_VERSION/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar" \
      && mv "$jar.part" "$jar" || { log "cannot download S3Proxy"; return 1; }
  fi
  rm -rf "$data"; mkdir -p "$data"
  cat >"$WORK/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$data
EOF
  "$JAVA" -jar "$jar" --properties "$WORK/s3proxy.conf" >"$WORK/s3proxy.log" 2>&1 &
  SPID[s3proxy]=$!; PIDS+=($!)
  ENDPOINT[s3proxy]="http://127.0.0.1:$port"
  wait_http "${ENDPOINT[s3proxy]}/" "${SPID[s3proxy]}" || { log "s3proxy did not start: $(tail -3 "$WORK/s3proxy.log")"; return 1; }
}
start_nginx() {
  local port=$1
  mkdir -p "$WORK/nginx/www/$BUCKET" "$WORK/nginx/tmp"
  cp "$WORK/body.4k" "$WORK/nginx/www/$BUCKET/$KEY"
  # nginx's workers run as another user (nobody): they must be able to reach and read the file.
  chmod a+x "$WORK" "$WORK/nginx"
  chmod -R a+rX "$WORK/nginx/www"
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
  server { listen 127.0.0.1:$port; root $WORK/nginx/www; }
}
EOF
  nginx -c "$WORK/nginx/nginx.conf" >/dev/null 2>&1 &
  SPID[nginx]=$!; PIDS+=($!)
  ENDPOINT[nginx]="http://127.0.0.1:$port"
  wait_http "${ENDPOINT[nginx]}/" "${SPID[nginx]}" || { log "nginx did not start"; return 1; }
}
server_pids() { # the server's processes: nginx's master and its workers
  echo "${SPID[$1]}"
  [ "$1" = nginx ] && pgrep -P "${SPID[$1]}" || true
}

log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
port=$PORT_BASE
UP=()
for peer in $PEERS; do
  port=$((port + 1))
  if "start_$peer" "$port"; then UP+=("$peer"); log "$peer up on $port"; else log "$peer skipped"; fi
done
for peer in "${UP[@]}"; do
  if [ "$peer" = nginx ]; then
    GETURL[$peer]="${ENDPOINT[$peer]}/$BUCKET/$KEY"
    continue
  fi
  if [ "$peer" = jetty ]; then # answers any URL: replay a presigned URL of the same length as the stores'
    GETURL[$peer]=$(python3 "$WORK/presign.py" url GET "${ENDPOINT[$peer]}" "/$BUCKET/$KEY" "$ACCESS_KEY" "$SECRET_KEY")
    PUTURL[$peer]=$(python3 "$WORK/presign.py" url PUT "${ENDPOINT[$peer]}" "/$BUCKET/$KEY" "$ACCESS_KEY" "$SECRET_KEY")
    continue
  fi
  python3 "$WORK/presign.py" do PUT "${ENDPOINT[$peer]}" "/$BUCKET" "$ACCESS_KEY" "$SECRET_KEY" >/dev/null
  python3 "$WORK/presign.py" do PUT "${ENDPOINT[$peer]}" "/$BUCKET/$KEY" "$ACCESS_KEY" "$SECRET_KEY" "$WORK/body.4k" >/dev/null
  GETURL[$peer]=$(python3 "$WORK/presign.py" url GET "${ENDPOINT[$peer]}" "/$BUCKET/$KEY" "$ACCESS_KEY" "$SECRET_KEY")
  PUTURL[$peer]=$(python3 "$WORK/presign.py" url PUT "${ENDPOINT[$peer]}" "/$BUCKET/$KEY" "$ACCESS_KEY" "$SECRET_KEY")
  got=$(curl -s -o "$WORK/check.$peer" -w '%{http_code}' "${GETURL[$peer]}")
  cmp -s "$WORK/check.$peer" "$WORK/body.4k" || { log "$peer: presigned GET answered $got, not the object"; exit 1; }
done

ms() { # wrk latency ("1.23ms", "850.00us", "1.02s") -> ms
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0; else if (v ~ /s$/) printf "%.2f", v * 1000; else print v }'
}
cell() { # $1 peer $2 op $3 seconds $4 label -> one table row (measured) or nothing (warm-up)
  local peer=$1 op=$2 secs=$3 label=$4 url out c0 c1 args=()
  if [ "$op" = get ]; then url=${GETURL[$peer]}; else url=${PUTURL[$peer]:-}; args=(-s "$WORK/put.lua"); fi
  [ -n "$url" ] || return 0
  out="$WORK/out/$label-$op-$peer.txt"
  local load0; load0=$(cut -d' ' -f1 /proc/loadavg)
  # shellcheck disable=SC2046
  c0=$(cpu_of $(server_pids "$peer"))
  wrk -t "$THREADS" -c "$CONNECTIONS" -d "${secs}s" --latency "${args[@]}" "$url" >"$out" 2>&1 || true
  # shellcheck disable=SC2046
  c1=$(cpu_of $(server_pids "$peer"))
  [ "$label" = warmup ] && return 0
  local rps total non2xx p50 p99 cpu
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  total=$(awk '/requests in/ {print $1}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$out"); non2xx=${non2xx:-0}
  p50=$(ms "$(awk '$1 == "50%" {print $2}' "$out")"); p99=$(ms "$(awk '$1 == "99%" {print $2}' "$out")")
  cpu=$(awk -v a="$c0" -v b="$c1" -v n="${total:-0}" 'BEGIN { if (n > 0) printf "%.3f", (b - a) * 1000 / n; else print "-" }')
  echo "| $label | $op | $peer | ${rps:--} | $p50 | $p99 | $non2xx | $cpu | $load0 → $(cut -d' ' -f1 /proc/loadavg) |"
}

compiled() { # methods the JVM $1 has JIT-compiled so far (jstat), empty when unknown
  "$JAVA_HOME/bin/jstat" -compiler "$1" 2>/dev/null | awk 'NR == 2 {print $1}'
}
settle() { # $1 peer $2 op: 5 s warm-up passes until the Java server's JIT is quiet (nginx: nothing to wait for)
  [ "$1" = nginx ] && return 0
  local pid=${SPID[$1]} n0 n1 more=0
  n0=$(compiled "$pid")
  [ -n "$n0" ] || return 0
  while [ "$more" -lt "$SETTLE_MAX" ]; do
    cell "$1" "$2" 5 warmup
    more=$((more + 5))
    n1=$(compiled "$pid")
    [ -n "$n1" ] && [ $((n1 - n0)) -le "$SETTLE_METHODS" ] && { log "$1 $2: JIT quiet after ${more}s more ($((n1 - n0)) compilations in the last 5 s)"; return 0; }
    n0=${n1:-$n0}
  done
  log "$1 $2: JIT still compiling after ${SETTLE_MAX}s more; measuring anyway"
}

log "warm-up: ${WARMUP}s per server and op, then until the JIT is quiet (at most ${SETTLE_MAX}s more)"
for op in $OPS; do for peer in "${UP[@]}"; do cell "$peer" "$op" "$WARMUP" warmup; settle "$peer" "$op"; done; done
echo
echo "## wrk, presigned URL, 4 KiB, $CONNECTIONS connections, ${DURATION}s per cell ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores)"
echo
echo "| round | op | server | req/s | p50 ms | p99 ms | non-2xx | server CPU s / 1,000 req | load (1 min) |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
for r in $(seq 1 "$ROUNDS"); do
  order=("${UP[@]}")
  [ $((r % 2)) = 0 ] && order=($(printf '%s\n' "${UP[@]}" | tac))
  for op in $OPS; do for peer in "${order[@]}"; do cell "$peer" "$op" "$DURATION" "$r"; done; done
done
echo
echo "Rampart: $(basename "$JAR")${RAMPART_JAR_B:+, rampartb: $(basename "$RAMPART_JAR_B")}, S3Proxy $S3PROXY_VERSION (filesystem), $(nginx -v 2>&1 | cut -d/ -f2); raw wrk output in $WORK/out"
