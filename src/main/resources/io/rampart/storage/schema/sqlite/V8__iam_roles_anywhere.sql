-- IAM Roles Anywhere: trust anchors (a CA certificate bundle), profiles (roles a certificate may assume) and the
-- certificate revocation lists imported for a trust anchor.
CREATE TABLE IF NOT EXISTS ra_trust_anchors(id TEXT PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL,
  enabled INTEGER NOT NULL, source_type TEXT NOT NULL, source_data TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]',
  created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ra_profiles(id TEXT PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL,
  enabled INTEGER NOT NULL, role_arns TEXT NOT NULL, session_policy TEXT, managed_policy_arns TEXT NOT NULL DEFAULT '[]',
  duration_seconds INTEGER NOT NULL, require_instance_properties INTEGER NOT NULL DEFAULT 0,
  accept_role_session_name INTEGER NOT NULL DEFAULT 0, created_by TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]',
  created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ra_crls(id TEXT PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL,
  enabled INTEGER NOT NULL, trust_anchor_arn TEXT NOT NULL, crl_data BLOB NOT NULL, tags TEXT NOT NULL DEFAULT '[]',
  created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ra_crls_by_anchor ON ra_crls(trust_anchor_arn);
