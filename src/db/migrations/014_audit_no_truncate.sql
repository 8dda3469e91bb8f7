-- The audit trail refuses TRUNCATE too: migration 004's row trigger does not fire on it, so without this a
-- TRUNCATE would empty the table that UPDATE and DELETE cannot touch.
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
