-- Organizations: tags on the organisation's resources (an account id, an OU, a policy or the root), at most 50 each.
CREATE TABLE IF NOT EXISTS org_tags(resource_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL,
  PRIMARY KEY(resource_id, tag_key));
