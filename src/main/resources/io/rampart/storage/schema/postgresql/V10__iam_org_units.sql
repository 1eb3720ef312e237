-- Organizations on PostgreSQL (as schema/sqlite/V10): organisational units (a tree under the root, at most five deep)
-- and the parent of each account that is not directly under the root (an account without a row here is a child of the
-- root).
CREATE TABLE IF NOT EXISTS org_units(id TEXT PRIMARY KEY, parent_id TEXT NOT NULL, name TEXT NOT NULL,
  created BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS org_units_by_parent ON org_units(parent_id);
CREATE TABLE IF NOT EXISTS org_account_parents(account TEXT PRIMARY KEY, parent_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS org_account_parents_by_parent ON org_account_parents(parent_id);
