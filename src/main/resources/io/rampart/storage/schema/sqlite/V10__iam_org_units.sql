-- Organizations: organisational units, a tree under the root at most five deep (an account's parent is
-- org_accounts.parent_id).
CREATE TABLE IF NOT EXISTS org_units(id TEXT PRIMARY KEY, parent_id TEXT NOT NULL, name TEXT NOT NULL,
  created INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS org_units_by_parent ON org_units(parent_id);
