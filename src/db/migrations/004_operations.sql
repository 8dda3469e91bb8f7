-- Background process registry and run log, and the append-only audit trail.

CREATE TABLE processes (
  id     serial  PRIMARY KEY,
  name   text    NOT NULL UNIQUE,
  active boolean NOT NULL DEFAULT true
);

CREATE TABLE process_logs (
  id             serial      PRIMARY KEY,
  process_id     integer     NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
  execution_date timestamptz NOT NULL,
  message        text        NOT NULL
);
CREATE INDEX process_logs_by_date ON process_logs (execution_date DESC, id DESC) INCLUDE (process_id, message);
CREATE INDEX process_logs_by_process ON process_logs (process_id, execution_date DESC);

CREATE TABLE audit_events (
  id             bigserial   PRIMARY KEY,
  entity_type    text        NOT NULL,
  entity_id      text        NOT NULL,
  action         text        NOT NULL,
  actor          text        NOT NULL,
  event_time     timestamptz NOT NULL DEFAULT now(),
  before         jsonb,
  after          jsonb,
  correlation_id text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_by_entity ON audit_events (entity_type, entity_id, id DESC);
CREATE INDEX audit_events_by_correlation ON audit_events (correlation_id);

-- The audit trail cannot be edited by anyone: updates and deletes are refused in the database itself.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = '42501';
END;
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
