-- audit (io.rampart.audit): one digest chain per node. The head and the signing keys move to tables keyed by node;
-- what a single server recorded before keeps the node '' until the first node to start claims it (TrailAnchor), so a
-- single-node install continues its chain. New tables rather than new columns: every statement may run again on a
-- database adopted from before numbered migrations.
CREATE TABLE IF NOT EXISTS trail_heads(node TEXT PRIMARY KEY, digest_object TEXT NOT NULL,
  digest_end INTEGER NOT NULL, hash TEXT NOT NULL, digest_every INTEGER NOT NULL, stopped INTEGER NOT NULL);
INSERT INTO trail_heads(node, digest_object, digest_end, hash, digest_every, stopped)
  SELECT '', digest_object, digest_end, hash, digest_every, stopped FROM trail_head;
DROP TABLE trail_head;
CREATE TABLE IF NOT EXISTS trail_signing_keys(fingerprint TEXT PRIMARY KEY, node TEXT NOT NULL,
  public_key BLOB NOT NULL, sealed_private BLOB, status TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER);
INSERT INTO trail_signing_keys(fingerprint, node, public_key, sealed_private, status, valid_from, valid_to)
  SELECT fingerprint, '', public_key, sealed_private, status, valid_from, valid_to FROM trail_keys;
DROP TABLE trail_keys;
CREATE INDEX IF NOT EXISTS trail_signing_keys_node ON trail_signing_keys(node, status);
