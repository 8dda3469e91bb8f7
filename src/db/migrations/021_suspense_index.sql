-- The suspense report (src/services/reports/suspense.ts) walks open cases by when they entered their status:
-- an open case's status began with its one open tracking row (a move closes it; a final status's row is
-- closed when written), so this partial index holds one entry per open case, oldest first.
CREATE INDEX IF NOT EXISTS tracking_open_by_start ON tracking (start_time, case_id) WHERE end_time IS NULL;
