-- cluster (io.rampart.storage.DurableQueue) on PostgreSQL: the columns of schema/sqlite/V13.
ALTER TABLE replication_queue ADD COLUMN IF NOT EXISTS claimed_by TEXT;
ALTER TABLE replication_queue ADD COLUMN IF NOT EXISTS dead BIGINT;
ALTER TABLE notification_queue ADD COLUMN IF NOT EXISTS claimed_by TEXT;
ALTER TABLE notification_queue ADD COLUMN IF NOT EXISTS dead BIGINT;
ALTER TABLE notification_queue ADD COLUMN IF NOT EXISTS last_error TEXT;
