#!/usr/bin/env bash
# SSE-KMS (customer-managed key, bucket keys on) against SSE-S3, 4 KiB PUT and GET, one server, alternating rounds.
# Usage: bench/sse-kms-vs-s3.sh [rounds]   (needs target/rampart.jar and the AWS CLI)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
java="$("$root/bin/find-jdk")/bin/java"
rounds=${1:-3}
port=19477
dir=$(mktemp -d)
export AWS_ACCESS_KEY_ID=AKIABENCHKMS00000001 AWS_SECRET_ACCESS_KEY=benchkmssecretbenchkmssecret00000000000 AWS_DEFAULT_REGION=us-east-1
RAMPART_ROOT_ACCESS_KEY=$AWS_ACCESS_KEY_ID RAMPART_ROOT_SECRET_KEY=$AWS_SECRET_ACCESS_KEY \
  "$java" $("$root/bin/jvm-opts" "$java") -jar "$root/target/rampart.jar" server --port $port --data-dir "$dir" --no-auto-respond >"$dir.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir" "$dir.log"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
aws="aws --endpoint-url http://127.0.0.1:$port"
key=$($aws kms create-key --description bench --query KeyMetadata.Arn --output text)
$aws s3api create-bucket --bucket bench-s3 >/dev/null
$aws s3api create-bucket --bucket bench-kms >/dev/null
$aws s3api put-bucket-encryption --bucket bench-kms --server-side-encryption-configuration \
  "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"$key\"},\"BucketKeyEnabled\":true}]}"
bench() { "$java" -jar "$root/target/rampart.jar" bench --endpoint "http://127.0.0.1:$port" --access-key "$AWS_ACCESS_KEY_ID" \
  --secret-key "$AWS_SECRET_ACCESS_KEY" --bucket "$1" --op "$2" --size 4KiB --objects 200 --concurrency 8 --duration 10s \
  --warmup 2s --keep --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["opsPerSec"])'; }
echo "round op sse-s3 sse-kms kms/s3 load"
for r in $(seq "$rounds"); do
  for op in put get; do
    a=$(bench bench-s3 $op); b=$(bench bench-kms $op)
    echo "$r $op $a $b $(python3 -c "print(round($b/$a,2))") $(cut -d' ' -f1 /proc/loadavg)"
  done
done
