-- cluster (io.rampart.storage.DurableQueue): the replication and notification queues claim rows for one node at a
-- time (claimed_by; next_attempt doubles as the claim's visibility timeout) and keep dead letters (dead: when).
ALTER TABLE replication_queue ADD COLUMN claimed_by TEXT;
ALTER TABLE replication_queue ADD COLUMN dead INTEGER;
ALTER TABLE notification_queue ADD COLUMN claimed_by TEXT;
ALTER TABLE notification_queue ADD COLUMN dead INTEGER;
ALTER TABLE notification_queue ADD COLUMN last_error TEXT;
