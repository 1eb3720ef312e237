#!/bin/bash
# `rampart bench` against several set-ups side by side, in alternating order, ROUNDS times, with the server CPU each
# request cost (over all its requests: measured, warm-up and, for GET, the PUTs preparing the objects): the set-up's JVMs (from /proc/<pid>/stat) plus, for PostgreSQL set-ups, every process of the local
# PostgreSQL cluster started here (Debian's postgresql, initdb in a temp dir, fsync on as SQLite's synchronous=FULL).
# A set-up is NAME:JAR:BACKEND:NODES (BACKEND sqlite or postgresql); nodes of one set-up share a database, a blob
# directory and a master key, and the bench spreads its workers over them (--endpoint a,b,c).
# Default SETUPS: 1 node on SQLite, 1 node on PostgreSQL, 3 nodes on PostgreSQL, all from RAMPART_JAR.
# Env: RAMPART_JAR (target/rampart.jar), SETUPS, JAVA (bin/find-jdk's), WORK (/tmp/cluster-bench), ROUNDS (3), OPS ("put get"),
# SIZE (4KiB), OBJECTS (1000), CONCURRENCY (12), DURATION (10s), WARMUP (3s), PGBIN (/usr/lib/postgresql/15/bin),
# PGPORT (55433), HEAP (-Xmx512m per node). Run as root it starts PostgreSQL as "postgres".
set -u
JAR=${RAMPART_JAR:-target/rampart.jar}
SETUPS=${SETUPS:-"sqlite-1:$JAR:sqlite:1 postgresql-1:$JAR:postgresql:1 postgresql-3:$JAR:postgresql:3"}
JAVA=${JAVA:-$(bin/find-jdk)/bin/java}
WORK=${WORK:-/tmp/cluster-bench}
ROUNDS=${ROUNDS:-3}
OPS=${OPS:-put get}
SIZE=${SIZE:-4KiB}
OBJECTS=${OBJECTS:-1000}
CONCURRENCY=${CONCURRENCY:-12}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT=${PGPORT:-55433}
HEAP=${HEAP:--Xmx512m}
export RAMPART_ROOT_ACCESS_KEY=AKIABENCHCLUSTER0001 RAMPART_ROOT_SECRET_KEY=benchClusterSecret000000000000000000000001
RAMPART_MASTER_KEY=$(head -c 32 /dev/urandom | base64)
export RAMPART_MASTER_KEY
rm -rf "$WORK" && mkdir -p "$WORK/pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  [ -f "$WORK/pg/data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast stop > /dev/null
}
trap cleanup EXIT
need_pg=0; case "$SETUPS" in *postgresql*) need_pg=1 ;; esac
if [ $need_pg = 1 ]; then
  as_pg "$PGBIN/initdb" -D "$WORK/pg/data" -U rampart --auth=trust -E UTF8 --locale=C.UTF-8 > "$WORK/initdb.log" || exit 1
  as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w start \
    -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200 -c log_line_prefix=%d:" > /dev/null || exit 1
fi

port=19600
declare -A ENDPOINTS NODEPIDS BACKEND
names=()
for setup in $SETUPS; do
  IFS=: read -r name jar backend nodes <<< "$setup"
  names+=("$name"); BACKEND[$name]=$backend
  metadata=()
  if [ "$backend" = postgresql ]; then
    db=$(echo "$name" | tr -c 'a-z0-9\n' '_')
    "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U rampart "$db" || exit 1
    metadata=(--metadata "postgresql://rampart@127.0.0.1:$PGPORT/$db" --blobs "$WORK/$name-blobs")
    mkdir -p "$WORK/$name-blobs"
  fi
  eps=""; pids=""
  for n in $(seq 1 "$nodes"); do
    port=$((port + 1))
    "$JAVA" $(bin/jvm-opts "$JAVA" $HEAP) $HEAP -jar "$jar" server --data-dir "$WORK/$name-node$n" --port "$port" "${metadata[@]}" \
      > "$WORK/$name-node$n.log" 2>&1 &
    PIDS+=($!); pids="$pids $!"
    eps="$eps,http://127.0.0.1:$port"
    # Nodes of one database start one after the other (the first creates the schema).
    for _ in $(seq 1 90); do grep -q listening "$WORK/$name-node$n.log" && break; sleep 1; done
    grep -q listening "$WORK/$name-node$n.log" || { cat "$WORK/$name-node$n.log"; exit 1; }
  done
  ENDPOINTS[$name]=${eps#,}; NODEPIDS[$name]=$pids
done

hz=$(getconf CLK_TCK)
cpu() { # CPU seconds (user+sys) of the given pids
  for p in "$@"; do awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null; done | awk -v hz="$hz" '{s+=$1} END {printf "%.3f", s/hz}'
}
pgcpu() { # CPU seconds of every process of the local PostgreSQL cluster (its children included: exited backends)
  [ $need_pg = 1 ] || { echo 0; return; }
  local pm; pm=$(head -1 "$WORK/pg/data/postmaster.pid")
  awk -v hz="$hz" '{printf "%.3f", ($14+$15+$16+$17)/hz}' "/proc/$pm/stat"
  for p in $(pgrep -P "$pm"); do awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null; done \
    | awk -v hz="$hz" '{s+=$1} END {printf " %.3f", s/hz}'
}
pgsum() { echo "$1" | awk '{print $1+$2}'; }

echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
for round in $(seq 1 "$ROUNDS"); do
  order=("${names[@]}")
  if [ $((round % 2)) -eq 0 ]; then order=(); for ((i=${#names[@]}-1; i>=0; i--)); do order+=("${names[$i]}"); done; fi
  for op in $OPS; do
    for name in "${order[@]}"; do
      # shellcheck disable=SC2086
      before=$(cpu ${NODEPIDS[$name]}); pgbefore=$(pgsum "$(pgcpu)")
      "$JAVA" -jar "$JAR" bench --endpoint "${ENDPOINTS[$name]}" --access-key "$RAMPART_ROOT_ACCESS_KEY" \
        --secret-key "$RAMPART_ROOT_SECRET_KEY" --op "$op" --size "$SIZE" --objects "$OBJECTS" \
        --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" --bucket "bench-$op" --keep --json \
        > "$WORK/round$round-$op-$name.json" 2> "$WORK/round$round-$op-$name.err"
      # shellcheck disable=SC2086
      after=$(cpu ${NODEPIDS[$name]}); pgafter=$(pgsum "$(pgcpu)")
      python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["results"]; p=list(r.values())[0]; l=p["latencyMs"]
n=p["ops"]+d.get("warmupOps", 0)+d.get("prepare", {}).get("ops", 0)  # every request the CPU paid for
jvm=float(sys.argv[5])-float(sys.argv[4]); pg=float(sys.argv[7])-float(sys.argv[6]) if sys.argv[9]=="postgresql" else 0
print("round %s %-4s %-14s %8.1f ops/s  p50 %5.1f ms  p99 %6.1f ms  errors %d  server CPU s/1000 req: %.2f (JVMs %.2f + PostgreSQL %.2f)" % (sys.argv[2], sys.argv[8], sys.argv[3], p["opsPerSec"], l["p50"], l["p99"], p["errors"], (jvm+pg)*1000/n, jvm*1000/n, pg*1000/n))' \
        "$WORK/round$round-$op-$name.json" "$round" "$name" "$before" "$after" "$pgbefore" "$pgafter" "$op" "${BACKEND[$name]}" \
        || cat "$WORK/round$round-$op-$name.err"
    done
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ $need_pg = 1 ]; then  # write transactions PostgreSQL aborted (each retried by the node), per set-up's database
  for name in "${names[@]}"; do
    [ "${BACKEND[$name]}" = postgresql ] || continue
    db=$(echo "$name" | tr -c 'a-z0-9\n' '_')
    echo "$name: $(grep -c "^$db:ERROR:  could not serialize" "$WORK/pg/log") serialization failures," \
      "$(grep -c "^$db:ERROR:  duplicate key" "$WORK/pg/log") unique violations," \
      "$(grep -c "^$db:ERROR:  deadlock detected" "$WORK/pg/log") deadlocks (all rounds, warm-up included)"
  done
fi
