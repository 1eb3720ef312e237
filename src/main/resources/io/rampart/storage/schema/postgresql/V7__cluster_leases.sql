-- cluster (io.rampart.storage.Leases): named leases, so that work meant to run once per cluster runs on one node.
CREATE TABLE IF NOT EXISTS leases(name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires BIGINT NOT NULL);
