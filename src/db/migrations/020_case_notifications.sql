-- WatchCases across instances (issue 21): every committed insert or update of a case notifies channel
-- ect_cases in its own transaction, so the notification is sent exactly when the change commits and never
-- when it rolls back. Payload, ids only (the listener reads the row after):
--   <case id>:<version>:<previous work status id, empty on insert>:<work status id>:<ect.instance of the writer>
-- A statement touching more than 100 cases (seeding, bulk repair) sends one "resync:<instance>" instead,
-- which tells watchers to re-read rather than flooding the queue.
CREATE FUNCTION cases_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  origin text := coalesce(current_setting('ect.instance', true), '');
  changed integer;
  r record;
BEGIN
  SELECT count(*) INTO changed FROM new_rows;
  IF changed > 100 THEN
    PERFORM pg_notify('ect_cases', 'resync:' || origin);
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    FOR r IN SELECT n.id, n.version, n.work_status_id FROM new_rows n ORDER BY n.id LOOP
      PERFORM pg_notify('ect_cases', r.id || ':' || r.version || '::' || r.work_status_id || ':' || origin);
    END LOOP;
  ELSE
    FOR r IN SELECT n.id, n.version, o.work_status_id AS previous_status, n.work_status_id
             FROM new_rows n JOIN old_rows o ON o.id = n.id ORDER BY n.id LOOP
      PERFORM pg_notify('ect_cases', r.id || ':' || r.version || ':' || r.previous_status || ':' || r.work_status_id || ':' || origin);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER cases_notify_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cases_notify_change();
CREATE TRIGGER cases_notify_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cases_notify_change();
