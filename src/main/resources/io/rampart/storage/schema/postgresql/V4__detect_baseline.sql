-- detect (io.rampart.detect) on PostgreSQL: the tables of schema/sqlite/V4.
CREATE TABLE IF NOT EXISTS findings(id TEXT PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL,
  principal_arn TEXT, access_key_id TEXT, bucket TEXT, first_time BIGINT NOT NULL, last_time BIGINT NOT NULL,
  count BIGINT NOT NULL, evidence TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'OPEN', doc TEXT);
CREATE TABLE IF NOT EXISTS detector_cursor(file TEXT PRIMARY KEY, records BIGINT NOT NULL, bytes BIGINT NOT NULL,
  done BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS detector_state(id BIGINT PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
