-- detect (io.rampart.detect.DetectionFeed) on PostgreSQL: the tables of schema/sqlite/V11.
CREATE TABLE IF NOT EXISTS detection_feed(node TEXT NOT NULL, seq BIGINT NOT NULL, created BIGINT NOT NULL,
  records BYTEA NOT NULL, PRIMARY KEY(node, seq));
CREATE INDEX IF NOT EXISTS detection_feed_created ON detection_feed(created);
CREATE TABLE IF NOT EXISTS detection_feed_position(node TEXT PRIMARY KEY, seq BIGINT NOT NULL);
