#!/usr/bin/env bash
# Records/s of `rampart detect` against jq applying the same rule (in-place SSE-C re-encryption) to the same
# CloudTrail files, in the same run. Usage: bench/detect-vs-jq.sh [CORPUS_DIR] [RECORDS]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
corpus=${1:-/tmp/rampart-cloudtrail-corpus}
records=${2:-1000000}
if [ ! -d "$corpus/AWSLogs" ]; then
  python3 "$root/bench/cloudtrail-corpus.py" "$corpus" --records "$records"
fi
files=$(find "$corpus/AWSLogs" -name '*.json.gz' | wc -l)
bytes=$(du -sb "$corpus/AWSLogs" | cut -f1)
echo "corpus: $corpus ($files gzip files, $bytes bytes)"
"$root/rampart" --version >/dev/null   # builds the jar first if needed, outside the timing

now() { date +%s.%N; }

# jq: the same test. x-amz-copy-source is compared after dropping ?versionId and a leading slash (the corpus does not
# URL-encode keys; rampart also decodes %XX, which jq cannot).
JQ_FILTER='.Records[] | select(.eventName == "CopyObject" and .errorCode == null
  and .requestParameters["x-amz-server-side-encryption-customer-algorithm"] != null
  and ((.requestParameters["x-amz-copy-source"] // "") | split("?")[0] | ltrimstr("/"))
      == (.requestParameters.bucketName + "/" + .requestParameters.key))
  | .eventID'
s=$(now)
jq_hits=$(find "$corpus/AWSLogs" -name '*.json.gz' -print0 | sort -z | xargs -0 cat | gzip -dc | jq -c "$JQ_FILTER" | wc -l)
e=$(now)
jq_s=$(echo "$e - $s" | bc -l)

s=$(now)
"$root/rampart" detect --cloudtrail "$corpus" --rules "$root/bench/in-place-sse-c.yaml" --format json > /tmp/detect-one.json
e=$(now)
one_s=$(echo "$e - $s" | bc -l)
one_hits=$(python3 -c 'import json,sys; d=json.load(open("/tmp/detect-one.json")); print(sum(f["count"] for f in d["findings"]))')
n=$(python3 -c 'import json; print(json.load(open("/tmp/detect-one.json"))["records"])')

s=$(now)
"$root/rampart" detect --cloudtrail "$corpus" --format json > /tmp/detect-all.json
e=$(now)
all_s=$(echo "$e - $s" | bc -l)
all_findings=$(python3 -c 'import json; d=json.load(open("/tmp/detect-all.json")); print(len(d["findings"]))')

printf '%-46s %10s %10s %14s %8s\n' "tool" "records" "seconds" "records/s" "matches"
printf '%-46s %10d %10.1f %14.0f %8d\n' "jq $(jq --version) (gzip -dc | jq, same rule)" "$n" "$jq_s" "$(echo "$n / $jq_s" | bc -l)" "$jq_hits"
printf '%-46s %10d %10.1f %14.0f %8d\n' "rampart detect, the same one rule" "$n" "$one_s" "$(echo "$n / $one_s" | bc -l)" "$one_hits"
printf '%-46s %10d %10.1f %14.0f %8s\n' "rampart detect, built-in pack ($(grep -c '^  - id:' "$root/src/main/resources/io/rampart/detect/rules.yaml") rules)" "$n" "$all_s" "$(echo "$n / $all_s" | bc -l)" "$all_findings f."
echo "ratio rampart(one rule)/jq records/s: $(echo "$jq_s / $one_s" | bc -l | cut -c1-5)"
