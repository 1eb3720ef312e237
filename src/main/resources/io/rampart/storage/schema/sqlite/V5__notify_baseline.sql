-- notify (io.rampart.notify): the durable queue of event notifications, as it was before numbered migrations.
CREATE TABLE IF NOT EXISTS notification_queue(id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL,
  body TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt INTEGER NOT NULL, created INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS notification_queue_due ON notification_queue(next_attempt, id);
