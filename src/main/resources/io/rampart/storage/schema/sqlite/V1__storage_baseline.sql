-- storage (io.rampart.storage): buckets, object versions, multipart uploads and parts, blob references, the
-- replication queue and the recovery window, as the embedded store created them before numbered migrations.
-- Every statement is IF NOT EXISTS: an unversioned data directory adopts this baseline in place.
CREATE TABLE IF NOT EXISTS buckets(
  name TEXT PRIMARY KEY, owner TEXT NOT NULL, region TEXT NOT NULL, created INTEGER NOT NULL,
  versioning TEXT NOT NULL DEFAULT '', object_lock INTEGER NOT NULL DEFAULT 0, config TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS uploads(
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, initiated INTEGER NOT NULL,
  meta TEXT NOT NULL, initiator_arn TEXT, initiator_key TEXT);
CREATE INDEX IF NOT EXISTS uploads_by_key ON uploads(bucket, key, initiated, upload_id);
CREATE TABLE IF NOT EXISTS parts(
  upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
  last_modified INTEGER NOT NULL, checksums TEXT NOT NULL, blob TEXT NOT NULL,
  PRIMARY KEY(upload_id, part_number)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blobs(id TEXT PRIMARY KEY, refs INTEGER NOT NULL) WITHOUT ROWID;
-- One row per object version. Listing reads only the two covering indexes, never the rows; the inline data is the
-- last column, so reading any other column never walks its overflow pages.
CREATE TABLE IF NOT EXISTS objects(
  bucket TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, version_id TEXT NOT NULL,
  latest INTEGER NOT NULL, delete_marker INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
  last_modified INTEGER NOT NULL, storage_class TEXT NOT NULL DEFAULT 'STANDARD',
  checksum_algorithms TEXT NOT NULL DEFAULT '', writer_arn TEXT, writer_key TEXT,
  meta TEXT NOT NULL, segments TEXT NOT NULL, inline BLOB,
  PRIMARY KEY(bucket, key, seq)) WITHOUT ROWID;
-- objects_current and objects_versions cover every column a listing reads (latest and delete_marker included, or
-- SQLite would look the row up to check the partial index's condition).
CREATE INDEX IF NOT EXISTS objects_current ON objects(bucket, key, version_id, size, etag, last_modified,
  storage_class, checksum_algorithms, latest, delete_marker) WHERE latest = 1 AND delete_marker = 0;
CREATE UNIQUE INDEX IF NOT EXISTS objects_version ON objects(bucket, key, version_id);
CREATE INDEX IF NOT EXISTS objects_versions ON objects(bucket, key, seq DESC, version_id, latest,
  delete_marker, size, etag, last_modified, storage_class, checksum_algorithms);
CREATE TABLE IF NOT EXISTS replication_queue(
  id INTEGER PRIMARY KEY AUTOINCREMENT, bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL,
  enqueued INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL DEFAULT 0,
  done TEXT NOT NULL DEFAULT '', last_error TEXT);
CREATE INDEX IF NOT EXISTS replication_queue_by_key ON replication_queue(bucket, key, id);
CREATE INDEX IF NOT EXISTS replication_queue_due ON replication_queue(next_attempt);
CREATE TABLE IF NOT EXISTS recovery_window(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL, seq INTEGER NOT NULL,
  size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified INTEGER NOT NULL,
  storage_class TEXT NOT NULL, checksum_algorithms TEXT NOT NULL, writer_arn TEXT, writer_key TEXT,
  meta TEXT NOT NULL, segments TEXT NOT NULL,
  removed_at INTEGER NOT NULL, removed_by_arn TEXT, removed_by_key TEXT, reason TEXT NOT NULL,
  inline BLOB);
CREATE INDEX IF NOT EXISTS recovery_window_keys ON recovery_window(bucket, key, id);
