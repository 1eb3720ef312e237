-- recovery (io.rampart.recovery.RestoreJobs): background restores, kept in the database so that any node answers a
-- job's status and a job whose node died or stopped is run again (by a surviving node, or by this one after a
-- restart). Rows follow io.rampart.storage.DurableQueue (id, attempts, next_attempt, claimed_by, dead, last_error):
-- a running job's claim is renewed while it runs (next_attempt: when the claim lapses); a finished job keeps its row
-- (next_attempt NULL: never due) until newer finished jobs push it out. request and writer are JSON without secrets.
CREATE TABLE IF NOT EXISTS restore_jobs(
  id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL UNIQUE,
  request TEXT NOT NULL, writer TEXT NOT NULL, origin TEXT,
  state TEXT NOT NULL, keys_done INTEGER NOT NULL DEFAULT 0, counts TEXT NOT NULL DEFAULT '{}',
  summary TEXT, error_code TEXT, error_message TEXT,
  started INTEGER NOT NULL, finished INTEGER, node TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER, claimed_by TEXT, dead INTEGER, last_error TEXT);
CREATE INDEX IF NOT EXISTS restore_jobs_due ON restore_jobs(next_attempt);
