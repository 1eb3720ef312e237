-- audit (io.rampart.audit): the trail signing keys and head, trail delivery positions, and the admin actions
-- queued for the trail, as they were before numbered migrations.
CREATE TABLE IF NOT EXISTS trail_keys(fingerprint TEXT PRIMARY KEY, public_key BLOB NOT NULL,
  sealed_private BLOB, status TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER);
CREATE TABLE IF NOT EXISTS trail_head(id INTEGER PRIMARY KEY CHECK (id = 1), digest_object TEXT NOT NULL,
  digest_end INTEGER NOT NULL, hash TEXT NOT NULL, digest_every INTEGER NOT NULL, stopped INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS trail_delivered(object TEXT PRIMARY KEY, delivered INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS admin_actions(seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL,
  account TEXT NOT NULL, event_name TEXT NOT NULL, read_only INTEGER NOT NULL, request TEXT NOT NULL,
  response TEXT NOT NULL, os_user TEXT, host TEXT, error TEXT, agent TEXT NOT NULL,
  drained INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS admin_actions_pending ON admin_actions(drained, seq);
