-- cluster (io.rampart.storage.DurableQueue): the replication and notification queues claim rows for one node at a
-- time (claimed_by; next_attempt doubles as the claim's visibility timeout) and keep dead letters (dead: when).
-- (IF NOT EXISTS: SchemaMigrations skips a column that is already there, as PostgreSQL does.)
ALTER TABLE replication_queue ADD COLUMN IF NOT EXISTS claimed_by TEXT;
ALTER TABLE replication_queue ADD COLUMN IF NOT EXISTS dead INTEGER;
ALTER TABLE notification_queue ADD COLUMN IF NOT EXISTS claimed_by TEXT;
ALTER TABLE notification_queue ADD COLUMN IF NOT EXISTS dead INTEGER;
ALTER TABLE notification_queue ADD COLUMN IF NOT EXISTS last_error TEXT;
