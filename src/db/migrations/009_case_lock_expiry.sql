-- Case locks expire (REQUIREMENTS §9): each lock carries the moment it lapses, so every reader (the case
-- columns, GetAllLocks) treats an expired lock as no lock with one predicate and no configuration of its own.
-- Writers set it from config.cases.lockTtlMs; renewals keep the lock's own duration (expires_at - lock_time).
-- The default is the decided 30 minutes, for rows written without it (older code paths, tests).
ALTER TABLE case_locks ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now() + interval '30 minutes';
UPDATE case_locks SET expires_at = lock_time + interval '30 minutes';

-- GetAllLocks reads locks in force by id with their case: the expiry joins the covering columns.
DROP INDEX case_locks_stream;
CREATE INDEX case_locks_stream ON case_locks (id) INCLUDE (case_id, module_id, user_id, lock_time, expires_at);
