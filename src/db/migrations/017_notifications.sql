-- Notifications (issue 19): a transactional outbox written in the same transaction as the move that causes it,
-- drained by the dispatcher (src/services/notifications/dispatcher.ts); the templates per event and status and the
-- reminder rules per workflow, status and role are data an administrator edits (NotificationSettingsService).

-- The outbox and the in-app feed: one row per recipient per channel. Email rows start 'pending' and the dispatcher
-- moves them to 'sending' (with a lease), then 'sent', 'failed' (will retry at next_attempt_at) or 'dead' (after
-- the last attempt, with last_error); with no SMTP server configured they become 'not_configured'. In-app rows are
-- 'sent' when written; read_at marks them read.
CREATE TABLE notifications (
  id                bigserial   PRIMARY KEY,
  event             text        NOT NULL,
  case_id           integer     REFERENCES cases (id) ON DELETE CASCADE,
  recipient_user_id integer     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  channel           text        NOT NULL CHECK (channel IN ('email', 'in_app')),
  subject           text        NOT NULL,
  body_text         text        NOT NULL,
  body_html         text        NOT NULL DEFAULT '',
  link              text        NOT NULL DEFAULT '',
  correlation_id    text        NOT NULL DEFAULT '',
  created_at        timestamptz NOT NULL DEFAULT now(),
  state             text        NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dead', 'not_configured')),
  attempts          integer     NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  lease_until       timestamptz,
  last_error        text        NOT NULL DEFAULT '',
  sent_at           timestamptz,
  read_at           timestamptz
);
-- The dispatcher: due email rows in order.
CREATE INDEX notifications_due ON notifications (state, next_attempt_at)
  WHERE state IN ('pending', 'sending', 'failed');
-- The feed: a user's newest first.
CREATE INDEX notifications_feed ON notifications (recipient_user_id, id DESC);
-- The case's log, oldest first.
CREATE INDEX notifications_by_case ON notifications (case_id, id);

-- Subject and bodies (mustache) per event, optionally per status code; the row with no status is the event's
-- default. Variables: caseNumber, memberName (masked), status, link, daysInStatus, suspenseDate, reason, roleName.
CREATE TABLE notification_templates (
  id             serial      PRIMARY KEY,
  event          text        NOT NULL,
  status_code_id integer     REFERENCES status_codes (id) ON DELETE CASCADE,
  subject        text        NOT NULL,
  body_text      text        NOT NULL,
  body_html      text        NOT NULL,
  updated_by     integer     REFERENCES users (id),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX notification_templates_by_event ON notification_templates (event, coalesce(status_code_id, 0));

-- Reminder rules (legacy ReminderEmailSettings, form348_sp_emailOverDue): for cases of the workflow at the status
-- (kind 'days_in_status': counted from the day the case entered it) or with an investigation suspense (kind
-- 'suspense': counted from the suspense date, negative before it), remind the role after remind_after_days, again
-- every repeat_every_days (0: once), and from escalate_after_days on (null: never) remind escalate_role_id as well.
CREATE TABLE reminder_rules (
  id                  serial      PRIMARY KEY,
  kind                text        NOT NULL DEFAULT 'days_in_status' CHECK (kind IN ('days_in_status', 'suspense')),
  workflow_id         integer     NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  status_code_id      integer     NOT NULL REFERENCES status_codes (id) ON DELETE CASCADE,
  role_id             integer     NOT NULL REFERENCES roles (id),
  remind_after_days   integer     NOT NULL CHECK (remind_after_days BETWEEN -365 AND 3650),
  repeat_every_days   integer     NOT NULL DEFAULT 0 CHECK (repeat_every_days BETWEEN 0 AND 3650),
  escalate_after_days integer     CHECK (escalate_after_days BETWEEN -365 AND 3650),
  escalate_role_id    integer     REFERENCES roles (id),
  template_event      text        NOT NULL DEFAULT 'reminder',
  active              boolean     NOT NULL DEFAULT true,
  updated_by          integer     REFERENCES users (id),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((escalate_after_days IS NULL) = (escalate_role_id IS NULL))
);
CREATE INDEX reminder_rules_by_status ON reminder_rules (workflow_id, status_code_id);

-- At most one reminder per case per rule per calendar day, across restarts and instances: the scheduler inserts
-- here first (ON CONFLICT DO NOTHING) and enqueues only when it inserted.
CREATE TABLE reminder_log (
  case_id    integer     NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  rule_id    integer     NOT NULL REFERENCES reminder_rules (id) ON DELETE CASCADE,
  day        date        NOT NULL,
  escalated  boolean     NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, rule_id, day)
);

-- The default templates (no status: every status of the event).
INSERT INTO notification_templates (event, subject, body_text, body_html) VALUES
('case_arrived',
 'ECT {{caseNumber}}: {{status}} needs your action',
 E'Line of Duty case {{caseNumber}} ({{memberName}}) is now at {{status}} and needs action by {{roleName}}.\n\nOpen the case: {{link}}\n',
 '<p>Line of Duty case <strong>{{caseNumber}}</strong> ({{memberName}}) is now at <strong>{{status}}</strong> and needs action by {{roleName}}.</p><p><a href="{{link}}">Open the case</a></p>'),
('case_returned',
 'ECT {{caseNumber}}: returned without action to {{status}}',
 E'Line of Duty case {{caseNumber}} ({{memberName}}) was returned without action to {{status}}.\nReason: {{reason}}\n\nOpen the case: {{link}}\n',
 '<p>Line of Duty case <strong>{{caseNumber}}</strong> ({{memberName}}) was returned without action to <strong>{{status}}</strong>.</p><p>Reason: {{reason}}</p><p><a href="{{link}}">Open the case</a></p>'),
('case_cancelled',
 'ECT {{caseNumber}}: cancelled',
 E'Line of Duty case {{caseNumber}} ({{memberName}}) was cancelled.\nReason: {{reason}}\n\nOpen the case: {{link}}\n',
 '<p>Line of Duty case <strong>{{caseNumber}}</strong> ({{memberName}}) was cancelled.</p><p>Reason: {{reason}}</p><p><a href="{{link}}">Open the case</a></p>'),
('investigation_directed',
 'ECT {{caseNumber}}: formal investigation directed',
 E'A formal investigation was directed for Line of Duty case {{caseNumber}} ({{memberName}}); the report is due {{suspenseDate}}.\n\nOpen the case: {{link}}\n',
 '<p>A formal investigation was directed for Line of Duty case <strong>{{caseNumber}}</strong> ({{memberName}}); the report is due {{suspenseDate}}.</p><p><a href="{{link}}">Open the case</a></p>'),
('io_appointed',
 'ECT {{caseNumber}}: you are appointed investigating officer',
 E'You are appointed investigating officer for Line of Duty case {{caseNumber}} ({{memberName}}); the report is due {{suspenseDate}}.\n\nOpen the case: {{link}}\n',
 '<p>You are appointed investigating officer for Line of Duty case <strong>{{caseNumber}}</strong> ({{memberName}}); the report is due {{suspenseDate}}.</p><p><a href="{{link}}">Open the case</a></p>'),
('reminder',
 'Reminder: ECT {{caseNumber}} has been at {{status}} for {{daysInStatus}} days',
 E'Line of Duty case {{caseNumber}} ({{memberName}}) has been at {{status}} for {{daysInStatus}} days and needs action by {{roleName}}.\n\nOpen the case: {{link}}\n',
 '<p>Line of Duty case <strong>{{caseNumber}}</strong> ({{memberName}}) has been at <strong>{{status}}</strong> for {{daysInStatus}} days and needs action by {{roleName}}.</p><p><a href="{{link}}">Open the case</a></p>'),
('escalation',
 'Overdue: ECT {{caseNumber}} has been at {{status}} for {{daysInStatus}} days',
 E'Line of Duty case {{caseNumber}} ({{memberName}}) has been at {{status}} for {{daysInStatus}} days without action by {{roleName}}. You are notified as the next level.\n\nOpen the case: {{link}}\n',
 '<p>Line of Duty case <strong>{{caseNumber}}</strong> ({{memberName}}) has been at <strong>{{status}}</strong> for {{daysInStatus}} days without action by {{roleName}}. You are notified as the next level.</p><p><a href="{{link}}">Open the case</a></p>'),
('suspense_near',
 'ECT {{caseNumber}}: investigation report due {{suspenseDate}}',
 E'The report of investigation for Line of Duty case {{caseNumber}} ({{memberName}}) is due {{suspenseDate}}.\n\nOpen the case: {{link}}\n',
 '<p>The report of investigation for Line of Duty case <strong>{{caseNumber}}</strong> ({{memberName}}) is due {{suspenseDate}}.</p><p><a href="{{link}}">Open the case</a></p>'),
('suspense_overdue',
 'Overdue: ECT {{caseNumber}} investigation report was due {{suspenseDate}}',
 E'The report of investigation for Line of Duty case {{caseNumber}} ({{memberName}}) was due {{suspenseDate}} and is overdue.\n\nOpen the case: {{link}}\n',
 '<p>The report of investigation for Line of Duty case <strong>{{caseNumber}}</strong> ({{memberName}}) was due {{suspenseDate}} and is <strong>overdue</strong>.</p><p><a href="{{link}}">Open the case</a></p>'),
('document_required',
 'ECT {{caseNumber}}: a document is required',
 E'Line of Duty case {{caseNumber}} ({{memberName}}) at {{status}} needs a document: {{reason}}\n\nOpen the case: {{link}}\n',
 '<p>Line of Duty case <strong>{{caseNumber}}</strong> ({{memberName}}) at <strong>{{status}}</strong> needs a document: {{reason}}</p><p><a href="{{link}}">Open the case</a></p>');

-- The permission to edit templates and rules, for a database seeded before this migration (a fresh one gets it
-- from the seed: src/seed/reference-data.ts).
INSERT INTO permissions (id, name, description)
SELECT 20, 'notificationAdmin', 'Edit notification templates and reminder rules'
WHERE EXISTS (SELECT 1 FROM roles WHERE id = 1)
ON CONFLICT DO NOTHING;
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, 20 FROM roles r JOIN permissions p ON p.id = 20 WHERE r.id IN (1, 10)
ON CONFLICT DO NOTHING;

-- The default reminder rules (legacy form348_sp_emailOverDue: more than 10 days in a status), for a database
-- seeded before this migration: every open status of the LOD and reinvestigation workflows reminds its holder
-- after 10 days and every 5 days after, and escalates to the LOD Program Manager after 20; an investigation's
-- suspense reminds the IO 3 days before and daily after, escalating to the Wing Commander once it is overdue.
INSERT INTO reminder_rules (kind, workflow_id, status_code_id, role_id, remind_after_days, repeat_every_days,
                            escalate_after_days, escalate_role_id)
SELECT 'days_in_status', w.workflow_id, sc.id, sc.role_id, 10, 5, 20, 10
FROM work_statuses w JOIN status_codes sc ON sc.id = w.status_code_id
WHERE sc.role_id IS NOT NULL AND NOT sc.is_final AND w.workflow_id IN (1, 2)
  AND EXISTS (SELECT 1 FROM roles WHERE id = 10)
ORDER BY w.workflow_id, sc.id;
INSERT INTO reminder_rules (kind, workflow_id, status_code_id, role_id, remind_after_days, repeat_every_days,
                            escalate_after_days, escalate_role_id, template_event)
SELECT 'suspense', 1, 21, 13, -3, 1, 1, 6, 'suspense_near'
WHERE EXISTS (SELECT 1 FROM status_codes WHERE id = 21) AND EXISTS (SELECT 1 FROM roles WHERE id = 6);
