-- audit (io.rampart.audit): one digest chain per node. The head moves to a table keyed by node and the signing keys
-- name their node; what a single server recorded before keeps the node '' until the first node to start claims it
-- (TrailAnchor), so a single-node install continues its chain.
CREATE TABLE IF NOT EXISTS trail_heads(node TEXT PRIMARY KEY, digest_object TEXT NOT NULL,
  digest_end INTEGER NOT NULL, hash TEXT NOT NULL, digest_every INTEGER NOT NULL, stopped INTEGER NOT NULL);
INSERT INTO trail_heads(node, digest_object, digest_end, hash, digest_every, stopped)
  SELECT '', digest_object, digest_end, hash, digest_every, stopped FROM trail_head;
DROP TABLE trail_head;
ALTER TABLE trail_keys ADD COLUMN node TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS trail_keys_node ON trail_keys(node, status);
