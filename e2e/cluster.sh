#!/bin/bash
# The README's "3-node cluster on one Debian machine", step for step (run as root), then aws-cli through each node and
# through nginx: a bucket made through the load balancer, objects written through one node read byte-identical through
# the others, a listing through each, a multipart upload whose parts nginx spreads over the nodes, a conditional write
# refused on another node, a delete seen everywhere; then everything it made is removed (nodes, nginx, database,
# role, /srv/rampart; the PostgreSQL cluster is stopped again when this script started it). Not part of ./test.
# Env: RAMPART_JAR (run this jar with java instead of ./rampart, which may build it), DIR (default /srv/rampart),
# PGVERSION (15). Exit status 0 when every check passed.
set -eu
DIR=${DIR:-/srv/rampart}
PGVERSION=${PGVERSION:-15}
cd "$(dirname "$0")/.."
# Run in the background only: exec, so that the pid clean-up kills is the server's own (./rampart execs java too).
rampart() { if [ -n "${RAMPART_JAR:-}" ]; then exec "$(bin/find-jdk)/bin/java" -jar "$RAMPART_JAR" "$@"; else exec ./rampart "$@"; fi; }
[ "$(id -u)" = 0 ] || { echo "run as root (apt-get, runuser, /srv)" >&2; exit 2; }
[ -e "$DIR" ] && { echo "$DIR exists: not touching it" >&2; exit 2; }
ss -ltn | grep -qE ':(9000|9001|9002|9003) ' && { echo "a port of 9000-9003 is taken: not starting" >&2; exit 2; }
[ -e /etc/nginx/conf.d/rampart.conf ] && { echo "/etc/nginx/conf.d/rampart.conf exists: not touching it" >&2; exit 2; }

PIDS=()
started_pg=0
cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  [ -f "$DIR/nginx.pid" ] && kill "$(cat "$DIR/nginx.pid")" 2>/dev/null
  rm -f /etc/nginx/conf.d/rampart.conf
  runuser -u postgres -- dropdb --if-exists --force rampart
  runuser -u postgres -- psql -q -c "DROP ROLE IF EXISTS rampart"
  [ $started_pg = 1 ] && pg_ctlcluster "$PGVERSION" main stop
  rm -rf "$DIR"
}
trap cleanup EXIT

echo "== the README's steps"
apt-get install -y postgresql nginx > /dev/null
if ! pg_lsclusters -h | grep -q "^$PGVERSION main .* online"; then pg_ctlcluster "$PGVERSION" main start; started_pg=1; fi
install -d -m 700 "$DIR" "$DIR/blobs"
head -c 24 /dev/urandom | base64 > "$DIR/pg.password" && chmod 600 "$DIR/pg.password"
runuser -u postgres -- psql -q -c "CREATE ROLE rampart LOGIN PASSWORD '$(cat "$DIR/pg.password")'"
runuser -u postgres -- createdb -O rampart rampart
head -c 32 /dev/urandom | base64 > "$DIR/master.key" && chmod 600 "$DIR/master.key"
export RAMPART_ROOT_ACCESS_KEY=AKIACLUSTERADMIN0001 RAMPART_ROOT_SECRET_KEY=$(head -c 30 /dev/urandom | base64)
for n in 1 2 3; do
  rampart server --port 900$n --data-dir "$DIR/node$n" --master-key-file "$DIR/master.key" \
    --metadata postgresql://rampart@127.0.0.1:5432/rampart --metadata-password-file "$DIR/pg.password" \
    --blobs "$DIR/blobs" > "$DIR/node$n.log" 2>&1 &
  PIDS+=($!)
done
cat > /etc/nginx/conf.d/rampart.conf <<'NGINX'
upstream rampart { server 127.0.0.1:9001; server 127.0.0.1:9002; server 127.0.0.1:9003; keepalive 32; }
server {
  listen 9000;
  client_max_body_size 0;      # any object size; stream bodies both ways
  proxy_request_buffering off;
  proxy_buffering off;
  location / {
    proxy_pass http://rampart;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;   # SigV4 signs the Host header: pass it through unchanged
  }
}
NGINX
# The README runs plain `nginx` (Debian's nginx.conf includes conf.d/*.conf); here a minimal main config includes the
# same file, so this nginx has its own pid file and clean-up stops this one only (and not the default site on :80).
printf 'pid %s/nginx.pid;\nerror_log %s/nginx.err;\nevents {}\nhttp { access_log off; include /etc/nginx/conf.d/rampart.conf; }\n' \
  "$DIR" "$DIR" > "$DIR/nginx.conf"
nginx -c "$DIR/nginx.conf"

echo "== waiting for the nodes"
for n in 1 2 3; do
  for _ in $(seq 1 120); do grep -q listening "$DIR/node$n.log" && break; sleep 1; done
  grep -q listening "$DIR/node$n.log" || { echo "node $n did not start:"; cat "$DIR/node$n.log"; exit 1; }
done

export AWS_ACCESS_KEY_ID=$RAMPART_ROOT_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RAMPART_ROOT_SECRET_KEY AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
lb=http://127.0.0.1:9000
node() { echo "http://127.0.0.1:900$1"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

echo "== aws-cli through nginx and through each node"
aws --endpoint-url $lb s3 mb s3://photos
head -c 100000 /dev/urandom > "$DIR/small.bin"
head -c 20000000 /dev/urandom > "$DIR/big.bin"
for n in 1 2 3; do
  aws --endpoint-url "$(node $n)" s3 cp "$DIR/small.bin" "s3://photos/from-node$n.bin" > /dev/null
done
for n in 1 2 3; do
  for m in 1 2 3; do  # every object written through one node, read through every node
    aws --endpoint-url "$(node $m)" s3 cp "s3://photos/from-node$n.bin" "$DIR/back.bin" > /dev/null
    cmp -s "$DIR/small.bin" "$DIR/back.bin" || fail "from-node$n.bin read through node $m differs"
  done
  count=$(aws --endpoint-url "$(node $n)" s3 ls s3://photos/ | wc -l)
  [ "$count" = 3 ] || fail "node $n lists $count objects, not 3"
done
echo "3 objects, each written through one node, read byte-identical through all 3; each node lists 3"
# 20 MB: aws-cli uploads it in 8 MiB parts, which nginx sends to different nodes.
aws --endpoint-url $lb s3 cp "$DIR/big.bin" s3://photos/big.bin > /dev/null
for n in 1 2 3; do
  aws --endpoint-url "$(node $n)" s3 cp s3://photos/big.bin "$DIR/back.bin" > /dev/null
  cmp -s "$DIR/big.bin" "$DIR/back.bin" || fail "big.bin read through node $n differs"
done
echo "multipart upload through nginx read byte-identical through each node"
etag=$(aws --endpoint-url "$(node 1)" s3api head-object --bucket photos --key big.bin --query ETag --output text)
case "$etag" in *-3\") ;; *) fail "big.bin ETag $etag is not a 3-part ETag" ;; esac
if aws --endpoint-url "$(node 2)" s3api put-object --bucket photos --key from-node1.bin --body "$DIR/small.bin" \
    --if-none-match '*' > /dev/null 2> "$DIR/err.txt"; then fail "If-None-Match on an existing key was accepted"; fi
grep -q PreconditionFailed "$DIR/err.txt" || fail "If-None-Match: $(cat "$DIR/err.txt")"
echo "If-None-Match on a key written through node 1 refused through node 2 (PreconditionFailed)"
aws --endpoint-url "$(node 3)" s3 rm s3://photos/from-node2.bin > /dev/null
for n in 1 2 3; do
  if aws --endpoint-url "$(node $n)" s3api head-object --bucket photos --key from-node2.bin > /dev/null 2>&1; then
    fail "node $n still has from-node2.bin after a delete through node 3"
  fi
done
echo "a delete through node 3 seen by every node"
aws --endpoint-url $lb s3 rm --recursive s3://photos > /dev/null
aws --endpoint-url $lb s3 rb s3://photos
echo "== cluster e2e: all checks passed"
