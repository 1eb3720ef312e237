-- iam (io.rampart.iam) on PostgreSQL: the tables of schema/sqlite/V2. IAM names are unique regardless of case, as
-- SQLite's COLLATE NOCASE makes them: here a nondeterministic ICU collation that ignores case (names are ASCII).
CREATE COLLATION IF NOT EXISTS rampart_nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE IF NOT EXISTS accounts(id TEXT PRIMARY KEY, created BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS users(account TEXT NOT NULL, name TEXT NOT NULL, user_id TEXT NOT NULL UNIQUE,
  created BIGINT NOT NULL, PRIMARY KEY(account, name));
CREATE TABLE IF NOT EXISTS server_keys(name TEXT PRIMARY KEY, sealed BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS mfa_devices(serial TEXT PRIMARY KEY, account TEXT NOT NULL, user_name TEXT NOT NULL,
  secret BYTEA NOT NULL, enabled BIGINT NOT NULL, created BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS access_keys(id TEXT PRIMARY KEY, account TEXT NOT NULL, user_name TEXT NOT NULL,
  secret BYTEA NOT NULL, status TEXT NOT NULL, created BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS access_key_use(id TEXT PRIMARY KEY, used BIGINT NOT NULL,
  service TEXT NOT NULL, region TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS iam_entities(account TEXT NOT NULL, kind TEXT NOT NULL, name TEXT COLLATE rampart_nocase NOT NULL,
  id TEXT NOT NULL UNIQUE, path TEXT NOT NULL, created BIGINT NOT NULL, boundary TEXT, trust TEXT,
  max_session BIGINT NOT NULL DEFAULT 3600, description TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY(account, kind, name));
INSERT INTO iam_entities(account, kind, name, id, path, created)
  SELECT account, 'user', name, user_id, '/', created FROM users ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS iam_group_members(account TEXT NOT NULL, group_name TEXT COLLATE rampart_nocase NOT NULL,
  user_name TEXT COLLATE rampart_nocase NOT NULL, PRIMARY KEY(account, group_name, user_name));
CREATE TABLE IF NOT EXISTS iam_inline_policies(account TEXT NOT NULL, kind TEXT NOT NULL,
  owner TEXT COLLATE rampart_nocase NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL,
  PRIMARY KEY(account, kind, owner, name));
CREATE TABLE IF NOT EXISTS iam_policies(account TEXT NOT NULL, name TEXT COLLATE rampart_nocase NOT NULL,
  id TEXT NOT NULL UNIQUE, path TEXT NOT NULL, default_version TEXT NOT NULL, next_version BIGINT NOT NULL,
  created BIGINT NOT NULL, updated BIGINT NOT NULL, description TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY(account, name));
CREATE TABLE IF NOT EXISTS iam_policy_versions(account TEXT NOT NULL, name TEXT COLLATE rampart_nocase NOT NULL,
  version TEXT NOT NULL, document TEXT NOT NULL, created BIGINT NOT NULL, PRIMARY KEY(account, name, version));
CREATE TABLE IF NOT EXISTS iam_attachments(account TEXT NOT NULL, kind TEXT NOT NULL,
  owner TEXT COLLATE rampart_nocase NOT NULL, policy_arn TEXT NOT NULL, PRIMARY KEY(account, kind, owner, policy_arn));
CREATE INDEX IF NOT EXISTS iam_attachments_by_policy ON iam_attachments(policy_arn);
CREATE TABLE IF NOT EXISTS sts_sessions(id TEXT PRIMARY KEY, account TEXT NOT NULL, kind TEXT NOT NULL,
  owner TEXT NOT NULL, session_name TEXT NOT NULL, principal_id TEXT NOT NULL, arn TEXT NOT NULL,
  secret BYTEA NOT NULL, token BYTEA NOT NULL, issued BIGINT NOT NULL, expires BIGINT NOT NULL,
  policy TEXT, policy_arns TEXT NOT NULL DEFAULT '[]', mfa BIGINT NOT NULL, source_identity TEXT,
  tags TEXT NOT NULL DEFAULT '{}', source_key TEXT);
CREATE INDEX IF NOT EXISTS sts_sessions_by_expiry ON sts_sessions(expires);
CREATE TABLE IF NOT EXISTS oidc_providers(account TEXT NOT NULL, url TEXT NOT NULL, client_ids TEXT NOT NULL,
  thumbprints TEXT NOT NULL, created BIGINT NOT NULL, tags TEXT NOT NULL DEFAULT '{}', PRIMARY KEY(account, url));
CREATE TABLE IF NOT EXISTS org(id TEXT PRIMARY KEY, root_id TEXT NOT NULL, management_account TEXT NOT NULL,
  scp_enabled BIGINT NOT NULL DEFAULT 0, rcp_enabled BIGINT NOT NULL DEFAULT 0, created BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS org_policies(id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '', content TEXT NOT NULL, aws_managed BIGINT NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS org_attachments(policy_id TEXT NOT NULL, target TEXT NOT NULL,
  PRIMARY KEY(policy_id, target));
