#!/bin/bash
# One node on the embedded SQLite vs one node on PostgreSQL (a local cluster started here from Debian's postgresql,
# fsync on as SQLite's synchronous=FULL), same jar, same `rampart bench` runs in alternating order, ROUNDS times:
# 4 KiB PUT over 1,000 keys, 4 KiB GET, and LIST (one ListObjectsV2 page of 1,000 keys). Reports server CPU seconds
# per 1,000 requests too (the server JVM's, and PostgreSQL's own processes for the PostgreSQL row).
# Env: RAMPART_JAR (default target/rampart.jar), JAVA (default java), WORK (default /tmp/metadata-bench), ROUNDS (2),
# OPS (default "put get list"), PGBIN (default /usr/lib/postgresql/15/bin), PGPORT (default 55432). Run as root it starts PostgreSQL as "postgres".
set -u
JAR=${RAMPART_JAR:-target/rampart.jar}
JAVA=${JAVA:-java}
SERVER_JVM=$("$(dirname "$0")/../bin/jvm-opts" "$JAVA") # ./rampart server's flags
WORK=${WORK:-/tmp/metadata-bench}
ROUNDS=${ROUNDS:-2}
OPS=${OPS:-put get list}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT=${PGPORT:-55432}
export RAMPART_ROOT_ACCESS_KEY=AKIABENCHMETADATA001 RAMPART_ROOT_SECRET_KEY=benchMetadataSecret00000000000000000000001
rm -rf "$WORK" && mkdir -p "$WORK/pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
as_pg "$PGBIN/initdb" -D "$WORK/pg/data" -U rampart --auth=trust -E UTF8 --locale=C.UTF-8 > "$WORK/initdb.log" || exit 1
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w start \
  -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=100" > /dev/null || exit 1
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U rampart rampart || exit 1
"$JAVA" $SERVER_JVM -jar "$JAR" server --data-dir "$WORK/sqlite" --port 19501 > "$WORK/sqlite.log" 2>&1 &
SQ=$!
"$JAVA" $SERVER_JVM -jar "$JAR" server --data-dir "$WORK/postgresql" --port 19502 \
  --metadata "postgresql://rampart@127.0.0.1:$PGPORT/rampart" > "$WORK/postgresql.log" 2>&1 &
PG=$!
trap 'kill $SQ $PG 2>/dev/null; wait $SQ $PG 2>/dev/null; as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast stop > /dev/null' EXIT
for _ in $(seq 1 90); do grep -q listening "$WORK/sqlite.log" && grep -q listening "$WORK/postgresql.log" && break; sleep 1; done
grep -q listening "$WORK/postgresql.log" || { cat "$WORK/postgresql.log"; exit 1; }
cpu() { # CPU seconds (user+sys) of a process, or of every process of the PostgreSQL cluster
  if [ "$1" = pg ]; then
    for p in $(pgrep -f "postgres.*$WORK/pg" ; pgrep -P "$(head -1 "$WORK/pg/data/postmaster.pid")"); do
      awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null; done | awk -v hz="$(getconf CLK_TCK)" '{s+=$1} END {print s/hz}'
  else awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat"; fi
}
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  order="19501 19502"; [ $((round % 2)) -eq 0 ] && order="19502 19501"
  for op in $OPS; do
    for port in $order; do
      name=$([ "$port" = 19501 ] && echo sqlite || echo postgresql)
      pid=$([ "$port" = 19501 ] && echo $SQ || echo $PG)
      before=$(cpu $pid); pgbefore=$(cpu pg)
      "$JAVA" -jar "$JAR" bench --endpoint "http://127.0.0.1:$port" --access-key "$RAMPART_ROOT_ACCESS_KEY" \
        --secret-key "$RAMPART_ROOT_SECRET_KEY" --op $op --size 4KiB --objects 1000 --concurrency 8 --duration 10s \
        --warmup 3s --bucket "bench-$op" --keep --json > "$WORK/round$round-$op-$name.json"
      after=$(cpu $pid); pgafter=$(cpu pg)
      python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; p=list(r.values())[0]; l=p["latencyMs"]
n=p["opsPerSec"]*10; jvm=float(sys.argv[5])-float(sys.argv[4]); pg=float(sys.argv[7])-float(sys.argv[6]) if sys.argv[3]=="postgresql" else 0
print("round %s %-4s %-10s %8.1f ops/s  p50 %5.1f ms  p99 %6.1f ms  errors %d  server CPU s/1000 req: JVM %.2f + PostgreSQL %.2f" % (sys.argv[2], sys.argv[8], sys.argv[3], p["opsPerSec"], l["p50"], l["p99"], p["errors"], jvm*1000/n, pg*1000/n))' \
        "$WORK/round$round-$op-$name.json" "$round" "$name" "$before" "$after" "$pgbefore" "$pgafter" "$op"
    done
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
