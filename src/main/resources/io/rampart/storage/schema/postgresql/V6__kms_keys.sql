-- kms (io.rampart.kms) on PostgreSQL, as schema/sqlite/V6: the built-in key service. Key material is stored only sealed under the master key.
CREATE TABLE IF NOT EXISTS kms_keys(key_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, description TEXT NOT NULL,
  state TEXT NOT NULL, key_manager TEXT NOT NULL, created BIGINT NOT NULL, deletion_date BIGINT,
  rotation_enabled BIGINT NOT NULL, rotation_period_days BIGINT NOT NULL, last_rotation BIGINT,
  current_version BIGINT NOT NULL, policy TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kms_key_material(key_id TEXT NOT NULL, version BIGINT NOT NULL, sealed TEXT NOT NULL,
  created BIGINT NOT NULL, PRIMARY KEY(key_id, version));
CREATE TABLE IF NOT EXISTS kms_aliases(account_id TEXT NOT NULL, alias_name TEXT NOT NULL, key_id TEXT NOT NULL,
  created BIGINT NOT NULL, updated BIGINT NOT NULL, PRIMARY KEY(account_id, alias_name));
CREATE TABLE IF NOT EXISTS kms_grants(grant_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, name TEXT NOT NULL,
  grantee TEXT NOT NULL, retiring TEXT NOT NULL, operations TEXT NOT NULL, constraints TEXT NOT NULL,
  issuer TEXT NOT NULL, created BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS kms_grants_key ON kms_grants(key_id);
CREATE TABLE IF NOT EXISTS kms_tags(key_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL,
  PRIMARY KEY(key_id, tag_key));
-- Which buckets' objects a key protects (recorded at the first S3 use of the key for the bucket).
CREATE TABLE IF NOT EXISTS kms_key_buckets(key_id TEXT NOT NULL, bucket TEXT NOT NULL, first_used BIGINT NOT NULL,
  PRIMARY KEY(key_id, bucket));
