#!/usr/bin/env bash
# End-to-end client compatibility: starts a Rampart server from this worktree on a scratch data directory and drives
# it with real clients (AWS CLI, boto3, rclone, s3cmd), the way their users do. Any difference from what AWS S3
# answers fails the run. Not part of `mvn verify` (it needs those tools); run it by hand or in a separate CI job:
#
#   e2e/clients.sh                 # all clients found on PATH (a missing one is reported and skipped)
#   PORT=19800 KEEP=1 e2e/clients.sh   # another port; keep the data directory and logs for inspection
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
PORT=${PORT:-19790}
work=$(mktemp -d /tmp/rampart-e2e.XXXXXX)
export AWS_ACCESS_KEY_ID=AKIAE2ECLIENTS000001 AWS_SECRET_ACCESS_KEY=e2eClientsSecretKey0000000000000000000001
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CA_BUNDLE   # a custom CA bundle breaks rclone's plain-HTTP transport
EP=http://127.0.0.1:$PORT
failures=0
passes=0

cleanup() {
  if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ] || [ "$failures" != 0 ]; then echo "kept $work (server log: $work/server.log)"; else rm -rf "$work"; fi
}
trap cleanup EXIT

pass() { passes=$((passes + 1)); echo "  ok   $*"; }
fail() { failures=$((failures + 1)); echo "  FAIL $*"; }
# ok NAME CMD...: the command must succeed.
ok() { local name=$1; shift; if out=$("$@" 2>&1); then pass "$name"; else fail "$name: $(echo "$out" | tail -3)"; fi; }
# err NAME PATTERN CMD...: the command must fail and its output must contain PATTERN (AWS's error code).
err() {
  local name=$1 pattern=$2; shift 2
  if out=$("$@" 2>&1); then fail "$name: succeeded, expected $pattern"
  elif grep -q -- "$pattern" <<<"$out"; then pass "$name"
  else fail "$name: expected $pattern, got: $(echo "$out" | tail -2)"; fi
}
# has NAME PATTERN CMD...: the command's output must contain PATTERN, whatever its exit status (curl, s3cmd ws-info).
has() {
  local name=$1 pattern=$2; shift 2
  out=$("$@" 2>&1) || true
  if grep -q -- "$pattern" <<<"$out"; then pass "$name"; else fail "$name: expected $pattern, got: $(echo "$out" | tail -2)"; fi
}
# same NAME EXPECTED ACTUAL
same() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi; }
have() { command -v "$1" >/dev/null 2>&1; }

echo "starting rampart on $EP (data $work/data)"
(cd "$root" && RAMPART_ROOT_ACCESS_KEY=$AWS_ACCESS_KEY_ID RAMPART_ROOT_SECRET_KEY=$AWS_SECRET_ACCESS_KEY \
  exec ./rampart server --data-dir "$work/data" --port "$PORT" --allow-sse-c-over-http --allow-sse-c-on-new-buckets) \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q "Rampart listening" "$work/server.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "server did not start"; exit 1; }
  sleep 0.5
done
grep -q "Rampart listening" "$work/server.log" || { echo "server not ready after 300 s"; exit 1; }

# Local files: small, odd names, one large enough for multipart uploads everywhere.
src=$work/src; mkdir -p "$src/sub dir"
echo hello > "$src/a.txt"; echo spaced > "$src/sub dir/b c.txt"; echo unicode > "$src/ü €.txt"; echo plus > "$src/p+q.txt"
: > "$src/empty"
head -c 21000000 /dev/urandom > "$src/big.bin"

if have aws; then
  echo "aws cli: $(aws --version 2>&1)"
  A="aws --endpoint-url $EP"
  ok  "aws s3 mb" $A s3 mb s3://e2e-aws
  ok  "aws s3 mb again: 200 in us-east-1 (S3's legacy answer to the owner)" $A s3 mb s3://e2e-aws
  ok  "aws s3 cp large (multipart)" $A s3 cp --only-show-errors "$src/big.bin" s3://e2e-aws/big.bin
  ok  "aws s3 sync" $A s3 sync --only-show-errors "$src" s3://e2e-aws/tree/
  ok  "aws s3 sync again uploads nothing" test -z "$($A s3 sync --dryrun "$src" s3://e2e-aws/tree/)"
  ok  "aws s3 cp download" $A s3 cp --only-show-errors s3://e2e-aws/big.bin "$work/big.aws"
  ok  "aws s3 download is identical" cmp "$src/big.bin" "$work/big.aws"
  ok  "aws s3 cp --recursive down" $A s3 cp --only-show-errors --recursive s3://e2e-aws/tree/ "$work/tree.aws"
  ok  "aws s3 tree is identical" diff -r "$src" "$work/tree.aws"
  ok  "aws s3 mv" $A s3 mv --only-show-errors s3://e2e-aws/tree/a.txt s3://e2e-aws/moved.txt
  err "aws s3api head-object moved source: 404" "404" $A s3api head-object --bucket e2e-aws --key tree/a.txt
  head -c 32 /dev/urandom > "$work/ssec.key"
  ok  "aws s3 cp --sse-c up" $A s3 cp --only-show-errors "$src/a.txt" s3://e2e-aws/secret.txt --sse-c AES256 --sse-c-key "fileb://$work/ssec.key"
  ok  "aws s3 cp --sse-c down" $A s3 cp --only-show-errors s3://e2e-aws/secret.txt "$work/secret.txt" --sse-c AES256 --sse-c-key "fileb://$work/ssec.key"
  ok  "aws s3 --sse-c round trip" cmp "$src/a.txt" "$work/secret.txt"
  err "aws s3api get-object SSE-C without key: 400" "InvalidRequest\|400" $A s3api get-object --bucket e2e-aws --key secret.txt "$work/nokey"
  url=$($A s3 presign s3://e2e-aws/moved.txt --expires-in 300)
  case "$url" in
    *X-Amz-Signature=*) same "aws s3 presign (SigV4) works with curl" "hello" "$(curl -sf "$url")" ;;
    *) same "aws s3 presign (SigV2, accepted by default) works with curl" "hello" "$(curl -sf "$url")" ;;
  esac
  same "list-objects url encoding of odd keys" "p%2Bq.txt,sub+dir/b+c.txt,%C3%BC+%E2%82%AC.txt" \
       "$($A s3api list-objects --bucket e2e-aws --prefix tree/ --encoding-type url --query 'Contents[].Key' --output text \
          | tr '\t' '\n' | sed 's|^tree/||' | grep -v '^a.txt$\|^empty$\|^big.bin$' | paste -sd,)"
  same "get-bucket-versioning of a never-versioned bucket is empty" "" "$($A s3api get-bucket-versioning --bucket e2e-aws)"
  same "get-bucket-location us-east-1 is null" "None" "$($A s3api get-bucket-location --bucket e2e-aws --output text)"
  err "get-bucket-website: NoSuchWebsiteConfiguration" NoSuchWebsiteConfiguration $A s3api get-bucket-website --bucket e2e-aws
  err "get-bucket-cors: NoSuchCORSConfiguration" NoSuchCORSConfiguration $A s3api get-bucket-cors --bucket e2e-aws
  err "get-bucket-tagging: NoSuchTagSet" NoSuchTagSet $A s3api get-bucket-tagging --bucket e2e-aws
  err "put-object-acl public-read: AccessControlListNotSupported" AccessControlListNotSupported \
      $A s3api put-object-acl --bucket e2e-aws --key moved.txt --acl public-read
  ok  "put-object-acl private" $A s3api put-object-acl --bucket e2e-aws --key moved.txt --acl private
  err "put-object If-None-Match * on an existing key: PreconditionFailed" PreconditionFailed \
      $A s3api put-object --bucket e2e-aws --key moved.txt --body "$src/a.txt" --if-none-match '*'
  err "get-object range on an empty object: InvalidRange" InvalidRange \
      $A s3api get-object --bucket e2e-aws --key tree/empty --range bytes=0-0 "$work/range"
  ok  "put-object --checksum-algorithm SHA256" $A s3api put-object --bucket e2e-aws --key ck --body "$src/a.txt" --checksum-algorithm SHA256
  same "head-object --checksum-mode returns the SHA256" "$(openssl dgst -sha256 -binary "$src/a.txt" | base64)" \
       "$($A s3api head-object --bucket e2e-aws --key ck --checksum-mode ENABLED --query ChecksumSHA256 --output text)"
  same "get-object-attributes ObjectSize" "6" "$($A s3api get-object-attributes --bucket e2e-aws --key ck --object-attributes ObjectSize --query ObjectSize --output text)"
  ok  "delete-objects quiet" $A s3api delete-objects --bucket e2e-aws --delete '{"Objects":[{"Key":"ck"},{"Key":"nope"}],"Quiet":true}'
  ok  "aws s3 rm --recursive" $A s3 rm --only-show-errors --recursive s3://e2e-aws/
  ok  "aws s3 rb" $A s3 rb s3://e2e-aws
else
  echo "aws cli not found: skipped"
fi

if have python3 && python3 -c 'import boto3' 2>/dev/null; then
  echo "boto3: $(python3 -c 'import boto3; print(boto3.__version__)')"
  if python3 "$root/e2e/boto3_checks.py" "$EP"; then pass "boto3 checks"; else fail "boto3 checks (see above)"; fi
else
  echo "boto3 not found: skipped"
fi

if have rclone; then
  echo "rclone: $(rclone version 2>/dev/null | head -1)"
  cat > "$work/rclone.conf" <<CONF
[r]
type = s3
provider = Other
access_key_id = $AWS_ACCESS_KEY_ID
secret_access_key = $AWS_SECRET_ACCESS_KEY
endpoint = $EP
region = us-east-1
force_path_style = true
CONF
  R="rclone --config $work/rclone.conf --retries 1 --low-level-retries 1"
  ok  "rclone mkdir" $R mkdir r:e2e-rclone
  ok  "rclone copy (multipart, 5M chunks)" $R copy "$src" r:e2e-rclone/t --s3-chunk-size 5M --s3-upload-cutoff 5M
  ok  "rclone check" $R check "$src" r:e2e-rclone/t
  same "rclone md5sum of the multipart object" "$(md5sum < "$src/big.bin" | cut -d' ' -f1)" \
       "$($R md5sum r:e2e-rclone/t/big.bin | cut -d' ' -f1)"
  same "rclone lsjson count" 6 "$($R lsjson -R --files-only r:e2e-rclone | grep -c '"Path"')"
  ok  "rclone copyto (server-side copy)" $R copyto r:e2e-rclone/t/a.txt r:e2e-rclone/copy.txt
  ok  "rclone moveto" $R moveto r:e2e-rclone/copy.txt r:e2e-rclone/moved.txt
  ok  "rclone sync down" $R sync r:e2e-rclone/t "$work/rclone-down"
  ok  "rclone synced tree is identical" diff -r "$src" "$work/rclone-down"
  ok  "rclone delete" $R delete r:e2e-rclone/moved.txt
  ok  "rclone mkdir bucket for versions" $R mkdir r:e2e-rclone-v
  aws_ok=0; have aws && aws_ok=1
  if [ "$aws_ok" = 1 ]; then
    aws --endpoint-url "$EP" s3api put-bucket-versioning --bucket e2e-rclone-v --versioning-configuration Status=Enabled
    ok  "rclone copyto v1" $R copyto "$src/a.txt" r:e2e-rclone-v/f.txt
    ok  "rclone copyto v2" $R copyto "$src/p+q.txt" r:e2e-rclone-v/f.txt
    same "rclone ls --s3-versions shows both" 2 "$($R ls --s3-versions r:e2e-rclone-v | wc -l | tr -d ' ')"
  fi
  ok  "rclone purge" $R purge r:e2e-rclone
  ok  "rclone purge versioned" $R purge r:e2e-rclone-v --s3-versions
else
  echo "rclone not found: skipped"
fi

if have s3cmd; then
  echo "s3cmd: $(s3cmd --version 2>&1)"
  cat > "$work/s3cfg" <<CONF
[default]
access_key = $AWS_ACCESS_KEY_ID
secret_key = $AWS_SECRET_ACCESS_KEY
host_base = 127.0.0.1:$PORT
host_bucket = 127.0.0.1:$PORT
use_https = False
bucket_location = us-east-1
signature_v2 = False
CONF
  S="s3cmd -c $work/s3cfg"
  ok  "s3cmd mb" $S mb s3://e2e-s3cmd
  ok  "s3cmd put (multipart)" $S put --multipart-chunk-size-mb=5 "$src/big.bin" s3://e2e-s3cmd/big.bin
  ok  "s3cmd sync" $S sync "$src/" s3://e2e-s3cmd/t/
  ok  "s3cmd get" $S get --force s3://e2e-s3cmd/big.bin "$work/big.s3cmd"
  ok  "s3cmd download is identical" cmp "$src/big.bin" "$work/big.s3cmd"
  ok  "s3cmd ls" $S ls -r s3://e2e-s3cmd
  ok  "s3cmd du" $S du s3://e2e-s3cmd
  ok  "s3cmd info bucket" $S info s3://e2e-s3cmd
  same "s3cmd info shows the payer" "BucketOwner" "$($S info s3://e2e-s3cmd | awk '/Payer:/ {print $2}')"
  ok  "s3cmd info object" $S info s3://e2e-s3cmd/t/a.txt
  ok  "s3cmd cp" $S cp s3://e2e-s3cmd/t/a.txt s3://e2e-s3cmd/a2.txt
  ok  "s3cmd mv" $S mv s3://e2e-s3cmd/a2.txt s3://e2e-s3cmd/a3.txt
  ok  "s3cmd modify (metadata)" $S modify --add-header=x-amz-meta-color:blue s3://e2e-s3cmd/a3.txt
  ok  "s3cmd setacl private" $S setacl --acl-private s3://e2e-s3cmd/a3.txt
  err "s3cmd setacl public: AccessControlListNotSupported" AccessControlListNotSupported $S setacl --acl-public s3://e2e-s3cmd/a3.txt
  has "s3cmd ws-info: no website configuration (404)" "Unable to receive website configuration" $S ws-info s3://e2e-s3cmd
  ok  "s3cmd payer" $S payer s3://e2e-s3cmd
  ok  "s3cmd multipart (list uploads)" $S multipart s3://e2e-s3cmd
  ok  "s3cmd del" $S del s3://e2e-s3cmd/a3.txt
  ok  "s3cmd rb --recursive" $S rb --recursive --force s3://e2e-s3cmd
else
  echo "s3cmd not found: skipped"
fi

echo "$passes passed, $failures failed"
[ "$passes" -gt 0 ] || { echo "no client found"; exit 1; }
[ "$failures" = 0 ]
