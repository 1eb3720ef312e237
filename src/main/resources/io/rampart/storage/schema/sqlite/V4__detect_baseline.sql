-- detect (io.rampart.detect): findings, and the detector's trail cursor and state, as they were before numbered
-- migrations (findings' status and doc columns came last, added to the first detector slice's table).
CREATE TABLE IF NOT EXISTS findings(id TEXT PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL,
  principal_arn TEXT, access_key_id TEXT, bucket TEXT, first_time INTEGER NOT NULL, last_time INTEGER NOT NULL,
  count INTEGER NOT NULL, evidence TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'OPEN', doc TEXT);
CREATE TABLE IF NOT EXISTS detector_cursor(file TEXT PRIMARY KEY, records INTEGER NOT NULL, bytes INTEGER NOT NULL,
  done INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS detector_state(id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
