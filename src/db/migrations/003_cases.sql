-- Cases of every module (LOD, reinvestigation), their history, signatures, locks and reference lists.

CREATE TABLE findings (
  id          integer PRIMARY KEY,
  code        text    NOT NULL UNIQUE,
  description text    NOT NULL
);

-- Findings a workflow offers; a role may see its own wording of a finding.
CREATE TABLE workflow_findings (
  workflow_id integer NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  finding_id  integer NOT NULL REFERENCES findings (id),
  sort_order  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (workflow_id, finding_id)
);

CREATE TABLE finding_texts (
  role_id    integer NOT NULL REFERENCES roles (id),
  finding_id integer NOT NULL REFERENCES findings (id),
  text       text    NOT NULL,
  PRIMARY KEY (role_id, finding_id)
);

-- "By reason of" list used with findings.
CREATE TABLE finding_reasons (
  id          integer PRIMARY KEY,
  reason      text NOT NULL,
  description text NOT NULL
);

CREATE TABLE reasons (
  id          integer PRIMARY KEY,
  kind        text    NOT NULL CHECK (kind IN ('cancel', 'rwoa', 'return')),
  description text    NOT NULL,
  is_formal   boolean NOT NULL DEFAULT false
);

CREATE TABLE workflow_reasons (
  workflow_id integer NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  reason_id   integer NOT NULL REFERENCES reasons (id),
  sort_order  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (workflow_id, reason_id)
);

CREATE TABLE cases (
  id             serial      PRIMARY KEY,
  case_number    text        NOT NULL UNIQUE,
  module_id      integer     NOT NULL REFERENCES modules (id),
  workflow_id    integer     NOT NULL REFERENCES workflows (id),
  work_status_id integer     NOT NULL REFERENCES work_statuses (id),
  unit_id        integer     NOT NULL REFERENCES units (id),
  member_id      integer     NOT NULL REFERENCES members (id),
  created_by     integer     NOT NULL REFERENCES users (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  version        integer     NOT NULL DEFAULT 1,
  rwoa_reason    text        NOT NULL DEFAULT '',
  cancel_reason  text        NOT NULL DEFAULT '',
  -- Idempotency key of the create: a retried create returns the first case.
  request_id     text,
  UNIQUE (created_by, request_id)
);
-- Case streams read newest first by keyset on id, within the caller's units.
CREATE INDEX cases_stream_by_id ON cases (id DESC)
  INCLUDE (case_number, module_id, workflow_id, work_status_id, unit_id, member_id, created_at, updated_at);
-- The inbox: cases waiting at the statuses a role holds.
CREATE INDEX cases_inbox_by_status ON cases (work_status_id, id DESC) INCLUDE (unit_id);
CREATE INDEX cases_by_unit ON cases (unit_id, id DESC);
CREATE INDEX cases_by_member ON cases (member_id);

-- The LOD part of a case (AF Form 348).
CREATE TABLE lod_details (
  case_id              integer PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  incident_description text    NOT NULL,
  formal_investigation boolean NOT NULL DEFAULT false,
  finding_id           integer REFERENCES findings (id)
);

-- A reinvestigation request reopening a final LOD.
CREATE TABLE reinvestigation_requests (
  case_id         integer PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  initial_case_id integer NOT NULL REFERENCES cases (id),
  reason          text    NOT NULL
);
CREATE INDEX reinvestigation_requests_by_initial ON reinvestigation_requests (initial_case_id);

-- Time in each status (core_WorkStatus_Tracking).
CREATE TABLE tracking (
  id             bigserial   PRIMARY KEY,
  case_id        integer     NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  module_id      integer     NOT NULL REFERENCES modules (id),
  workflow_id    integer     NOT NULL REFERENCES workflows (id),
  work_status_id integer     NOT NULL REFERENCES work_statuses (id),
  start_time     timestamptz NOT NULL DEFAULT now(),
  end_time       timestamptz,
  completed_by   integer     REFERENCES users (id),
  action_label   text        NOT NULL DEFAULT '',
  comment        text        NOT NULL DEFAULT ''
);
CREATE INDEX tracking_by_case ON tracking (case_id, id);
CREATE INDEX tracking_recent_moves ON tracking (start_time DESC);

-- Who signed a case, as which role, at which status (core_SignatureMetaData).
CREATE TABLE signatures (
  id             serial      PRIMARY KEY,
  case_id        integer     NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  module_id      integer     NOT NULL REFERENCES modules (id),
  workflow_id    integer     NOT NULL REFERENCES workflows (id),
  work_status_id integer     NOT NULL REFERENCES work_statuses (id),
  role_id        integer     NOT NULL REFERENCES roles (id),
  user_id        integer     NOT NULL REFERENCES users (id),
  signed_at      timestamptz NOT NULL DEFAULT now(),
  name_and_rank  text        NOT NULL,
  title          text        NOT NULL DEFAULT ''
);
CREATE INDEX signatures_by_case ON signatures (case_id, work_status_id, role_id);

-- Edit locks (core_WorkflowLocks); one per case.
CREATE TABLE case_locks (
  id        serial      PRIMARY KEY,
  case_id   integer     NOT NULL UNIQUE REFERENCES cases (id) ON DELETE CASCADE,
  module_id integer     NOT NULL REFERENCES modules (id),
  user_id   integer     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  lock_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_locks_by_user ON case_locks (user_id);

-- Every move of a case with its reason (core_LogAction, Returns, Rwoa).
CREATE TABLE action_log (
  id                  bigserial   PRIMARY KEY,
  case_id             integer     NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  module_id           integer     NOT NULL REFERENCES modules (id),
  action              text        NOT NULL,
  from_status_code_id integer     REFERENCES status_codes (id) ON DELETE CASCADE,
  to_status_code_id   integer     REFERENCES status_codes (id) ON DELETE CASCADE,
  reason_id           integer     REFERENCES reasons (id),
  user_id             integer     REFERENCES users (id),
  action_time         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX action_log_by_case ON action_log (case_id, id);
