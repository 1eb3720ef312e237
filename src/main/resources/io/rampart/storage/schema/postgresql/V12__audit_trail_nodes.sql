-- audit (io.rampart.audit) on PostgreSQL: the tables of schema/sqlite/V12.
CREATE TABLE IF NOT EXISTS trail_heads(node TEXT PRIMARY KEY, digest_object TEXT NOT NULL,
  digest_end BIGINT NOT NULL, hash TEXT NOT NULL, digest_every BIGINT NOT NULL, stopped BIGINT NOT NULL);
INSERT INTO trail_heads(node, digest_object, digest_end, hash, digest_every, stopped)
  SELECT '', digest_object, digest_end, hash, digest_every, stopped FROM trail_head;
DROP TABLE trail_head;
CREATE TABLE IF NOT EXISTS trail_signing_keys(fingerprint TEXT PRIMARY KEY, node TEXT NOT NULL,
  public_key BYTEA NOT NULL, sealed_private BYTEA, status TEXT NOT NULL, valid_from BIGINT NOT NULL, valid_to BIGINT);
INSERT INTO trail_signing_keys(fingerprint, node, public_key, sealed_private, status, valid_from, valid_to)
  SELECT fingerprint, '', public_key, sealed_private, status, valid_from, valid_to FROM trail_keys;
DROP TABLE trail_keys;
CREATE INDEX IF NOT EXISTS trail_signing_keys_node ON trail_signing_keys(node, status);
