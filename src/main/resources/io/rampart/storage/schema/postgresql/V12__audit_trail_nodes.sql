-- audit (io.rampart.audit) on PostgreSQL: the tables of schema/sqlite/V12.
CREATE TABLE IF NOT EXISTS trail_heads(node TEXT PRIMARY KEY, digest_object TEXT NOT NULL,
  digest_end BIGINT NOT NULL, hash TEXT NOT NULL, digest_every BIGINT NOT NULL, stopped BIGINT NOT NULL);
INSERT INTO trail_heads(node, digest_object, digest_end, hash, digest_every, stopped)
  SELECT '', digest_object, digest_end, hash, digest_every, stopped FROM trail_head;
DROP TABLE trail_head;
ALTER TABLE trail_keys ADD COLUMN node TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS trail_keys_node ON trail_keys(node, status);
