#!/usr/bin/env bash
# Test setup only: loads COUNT keys into a bucket quickly, for the "LIST from a 1,000,000-key bucket" row. With the
# server stopped, it clones one existing object's row (PUT it first; a small object, stored inline) into keys
# PREFIX00000000 .. inside SQLite, in one transaction: about a minute for 10^6 keys, where PUTs would take hours.
# The clones share the template's data, data key and version id: list them, never GET, overwrite or restore them.
#   bench/bulk-keys.sh DATA_DIR BUCKET TEMPLATE_KEY COUNT [PREFIX]      (needs the sqlite3 command)
set -euo pipefail
dir=$1 bucket=$2 template=$3 count=$4 prefix=${5:-bulk/}
for v in "$bucket" "$template" "$prefix"; do
  [[ $v =~ ^[A-Za-z0-9._/-]+$ ]] || { echo "bulk-keys: unsupported characters in '$v'" >&2; exit 2; }
done
[[ $count =~ ^[0-9]+$ ]] || { echo "bulk-keys: COUNT must be a number" >&2; exit 2; }
db="$dir/rampart.db"
[ -f "$db" ] || { echo "bulk-keys: no $db" >&2; exit 2; }
sqlite3 "$db" <<SQL
.timeout 5000
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $count - 1)
INSERT INTO objects(bucket, key, seq, version_id, latest, delete_marker, size, etag, last_modified, storage_class,
                    checksum_algorithms, meta, segments, inline, writer_arn, writer_key)
SELECT t.bucket, printf('%s%08d', '$prefix', n.i), t.seq, t.version_id, 1, 0, t.size, t.etag, t.last_modified,
       t.storage_class, t.checksum_algorithms, t.meta, t.segments, t.inline, t.writer_arn, t.writer_key
FROM n, objects t WHERE t.bucket = '$bucket' AND t.key = '$template' AND t.latest = 1 AND t.delete_marker = 0;
SELECT 'inserted ' || changes() || ' keys';
COMMIT;
ANALYZE;
SQL
