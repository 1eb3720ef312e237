-- detect (io.rampart.detect.DetectionFeed): on a database several nodes share, each node's trail records for the
-- cluster's detector (one row per published batch, records one per line), and how far the detector read each node's
-- rows. Unused on one node (SQLite), created so that both backends have the same schema.
CREATE TABLE IF NOT EXISTS detection_feed(node TEXT NOT NULL, seq INTEGER NOT NULL, created INTEGER NOT NULL,
  records BLOB NOT NULL, PRIMARY KEY(node, seq));
CREATE INDEX IF NOT EXISTS detection_feed_created ON detection_feed(created);
CREATE TABLE IF NOT EXISTS detection_feed_position(node TEXT PRIMARY KEY, seq INTEGER NOT NULL);
