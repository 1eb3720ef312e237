-- kms (io.rampart.kms): the built-in key service. Key material is stored only sealed under the master key.
CREATE TABLE IF NOT EXISTS kms_keys(key_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, description TEXT NOT NULL,
  state TEXT NOT NULL, key_manager TEXT NOT NULL, created INTEGER NOT NULL, deletion_date INTEGER,
  rotation_enabled INTEGER NOT NULL, rotation_period_days INTEGER NOT NULL, last_rotation INTEGER,
  current_version INTEGER NOT NULL, policy TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kms_key_material(key_id TEXT NOT NULL, version INTEGER NOT NULL, sealed TEXT NOT NULL,
  created INTEGER NOT NULL, PRIMARY KEY(key_id, version));
CREATE TABLE IF NOT EXISTS kms_aliases(account_id TEXT NOT NULL, alias_name TEXT NOT NULL, key_id TEXT NOT NULL,
  created INTEGER NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY(account_id, alias_name));
CREATE TABLE IF NOT EXISTS kms_grants(grant_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, name TEXT NOT NULL,
  grantee TEXT NOT NULL, retiring TEXT NOT NULL, operations TEXT NOT NULL, constraints TEXT NOT NULL,
  issuer TEXT NOT NULL, created INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS kms_grants_key ON kms_grants(key_id);
CREATE TABLE IF NOT EXISTS kms_tags(key_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL,
  PRIMARY KEY(key_id, tag_key));
-- Which buckets' objects a key protects (recorded at the first S3 use of the key for the bucket).
CREATE TABLE IF NOT EXISTS kms_key_buckets(key_id TEXT NOT NULL, bucket TEXT NOT NULL, first_used INTEGER NOT NULL,
  PRIMARY KEY(key_id, bucket));
