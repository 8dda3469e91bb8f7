-- Formal investigations (issue 17): the appointing authority directs one at Wing Commander Review and appoints an
-- investigating officer (IO) with a suspense; the IO reports (AF 1271, legacy Form261); the formal wing JA and the
-- appointing authority review the report; the LOD board and the approving authority decide, on the formal path of
-- the same LOD workflow. The path's statuses, options and the IO role are data: a fresh database gets them from the
-- seed (src/seed/reference-data.ts: formal status codes 21-27, formalOptions 200-230, role 13), so the inserts
-- below touch only a database seeded before this migration (they need its compo '6', LOD module and workflow 1),
-- and do nothing twice.

-- Which grades may serve as IO, and the seniority of every grade (legacy core_lkupIOGrades, which listed the IO
-- grades only): an IO's grade must allow it and be senior to the member's (src/domain/investigation/io-eligibility.ts).
-- A captain or above, as AFI 36-2910 asks of an IO; a second or first lieutenant is refused as too junior.
CREATE TABLE io_grades (
  grade          text    PRIMARY KEY REFERENCES grade_ranks (grade),
  seniority      integer NOT NULL UNIQUE,
  may_investigate boolean NOT NULL
);
INSERT INTO io_grades (grade, seniority, may_investigate) VALUES
  ('E-1', 1, false), ('E-2', 2, false), ('E-3', 3, false), ('E-4', 4, false), ('E-5', 5, false),
  ('E-6', 6, false), ('E-7', 7, false), ('E-8', 8, false), ('E-9', 9, false),
  ('O-1', 21, false), ('O-2', 22, false), ('O-3', 23, true), ('O-4', 24, true), ('O-5', 25, true),
  ('O-6', 26, true), ('O-7', 27, true), ('O-8', 28, true), ('O-9', 29, true), ('O-10', 30, true);

-- The investigation of a case: who directed it, when and why, the IO appointed now and the suspense now.
CREATE TABLE investigations (
  case_id        integer     PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  directed_by    integer     NOT NULL REFERENCES users (id),
  directed_at    timestamptz NOT NULL DEFAULT now(),
  direct_reason  text        NOT NULL,
  io_user_id     integer     NOT NULL REFERENCES users (id),
  suspense_date  date        NOT NULL,
  version        integer     NOT NULL DEFAULT 1
);
-- The IO inbox and the scope check: the cases appointed to a user.
CREATE INDEX investigations_by_io ON investigations (io_user_id, suspense_date);

-- Every appointment (legacy Form348_sp_AssignIo kept only the latest): the newest has no ended_at.
CREATE TABLE investigation_appointments (
  id            serial      PRIMARY KEY,
  case_id       integer     NOT NULL REFERENCES investigations (case_id) ON DELETE CASCADE,
  io_user_id    integer     NOT NULL REFERENCES users (id),
  appointed_by  integer     NOT NULL REFERENCES users (id),
  appointed_at  timestamptz NOT NULL DEFAULT now(),
  reason        text        NOT NULL,
  suspense_date date        NOT NULL,
  ended_at      timestamptz
);
CREATE INDEX investigation_appointments_by_case ON investigation_appointments (case_id, id);

-- Every extension of the suspense, with its reason.
CREATE TABLE suspense_extensions (
  id                     serial      PRIMARY KEY,
  case_id                integer     NOT NULL REFERENCES investigations (case_id) ON DELETE CASCADE,
  previous_suspense_date date        NOT NULL,
  suspense_date          date        NOT NULL CHECK (suspense_date > previous_suspense_date),
  reason                 text        NOT NULL,
  extended_by            integer     NOT NULL REFERENCES users (id),
  extended_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX suspense_extensions_by_case ON suspense_extensions (case_id, id);

-- The report of investigation (legacy Form261), written by the appointed IO. Allowed values and who must fill
-- what are declared in src/domain/investigation/report-sections.ts; the CHECKs keep stored values inside them.
CREATE TABLE investigation_reports (
  case_id                  integer     PRIMARY KEY REFERENCES investigations (case_id) ON DELETE CASCADE,
  report_date              date,
  investigation_of         text        CHECK (investigation_of IN ('injury', 'illness', 'disease', 'death')),
  member_status            text        CHECK (member_status IN ('regular_or_ead', 'ad_over_30_days',
                                              'ad_30_days_or_less', 'inactive_duty_training', 'short_tour_training')),
  inactive_duty_training   text,
  investigation_start_date date,
  investigation_end_date   date,
  place                    text,
  how_sustained            text,
  medical_diagnosis        text,
  present_for_duty         boolean,
  absent_with_authority    boolean,
  absent_without_authority boolean,
  intentional_misconduct   boolean,
  mentally_sound           boolean,
  remarks                  text,
  recommended_finding      text        REFERENCES findings (code),
  updated_by               integer     REFERENCES users (id),
  updated_at               timestamptz NOT NULL DEFAULT now()
);

-- Other persons involved (legacy Form261 other personnel), in the order given.
CREATE TABLE investigation_other_persons (
  case_id     integer  NOT NULL REFERENCES investigations (case_id) ON DELETE CASCADE,
  position    smallint NOT NULL,
  name        text     NOT NULL,
  grade       text     NOT NULL DEFAULT '',
  unit        text     NOT NULL DEFAULT '',
  involvement text     NOT NULL DEFAULT '',
  PRIMARY KEY (case_id, position)
);

-- The formal wing JA review (legal sufficiency, concur or not with the IO) and the formal appointing authority
-- review (concur or not with the IO), one row each per investigation.
CREATE TABLE formal_legal_reviews (
  case_id            integer     PRIMARY KEY REFERENCES investigations (case_id) ON DELETE CASCADE,
  legally_sufficient boolean,
  concur             boolean,
  explanation        text,
  updated_by         integer     REFERENCES users (id),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE formal_appointing_authority_reviews (
  case_id     integer     PRIMARY KEY REFERENCES investigations (case_id) ON DELETE CASCADE,
  concur      boolean,
  explanation text,
  updated_by  integer     REFERENCES users (id),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- What a signature at a formal review status signs: the SHA-256 of the canonical content of the investigation
-- sections its role covers (src/domain/investigation/investigation-hash.ts). The signature itself is the usual
-- signatures row; a change to a covered section invalidates it there (invalidated_at), as on the AF 348.
CREATE TABLE investigation_signatures (
  signature_id   integer PRIMARY KEY REFERENCES signatures (id) ON DELETE CASCADE,
  case_id        integer NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  sections       text[]  NOT NULL,
  content_sha256 text    NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$')
);
CREATE INDEX investigation_signatures_by_case ON investigation_signatures (case_id);

-- The engine's rows, for a database seeded before this migration.
INSERT INTO roles (id, name, abbreviation, compo, access_scope, sign_title)
SELECT 13, 'Investigating Officer', 'IO', '6', 1, 'Investigating Officer'
WHERE EXISTS (SELECT 1 FROM compos WHERE code = '6') AND EXISTS (SELECT 1 FROM workflows WHERE id = 1)
ON CONFLICT DO NOTHING;

INSERT INTO role_permissions (role_id, permission_id)
SELECT 13, p.id FROM permissions p JOIN roles r ON r.id = 13
WHERE p.name IN ('lodView', 'lodEdit', 'lodAct')
ON CONFLICT DO NOTHING;

INSERT INTO role_managed_by (role_id, managed_by_role_id)
SELECT 13, m.id FROM roles m JOIN roles r ON r.id = 13 WHERE m.id IN (1, 10)
ON CONFLICT DO NOTHING;

INSERT INTO workflow_permissions (workflow_id, role_id, can_view, can_create)
SELECT w.id, 13, true, false FROM workflows w JOIN roles r ON r.id = 13 WHERE w.id IN (1, 2)
ON CONFLICT DO NOTHING;

INSERT INTO status_codes (id, description, module_id, compo, role_id, is_final, is_approved, is_cancel, is_formal,
                          display_order)
SELECT v.id, v.description, 2, '6', v.role_id, false, false, false, true, v.display_order
FROM (VALUES
  (21, 'Investigating Officer', 13, 19),
  (22, 'Formal Wing JA Review', 5, 20),
  (23, 'Formal Appointing Authority Review', 6, 21),
  (24, 'Formal LOD Board Technician Review', 7, 22),
  (25, 'Formal LOD Board Medical Review', 9, 23),
  (26, 'Formal LOD Board Legal Review', 8, 24),
  (27, 'Formal Approving Authority Review', 11, 25)
) AS v (id, description, role_id, display_order)
WHERE EXISTS (SELECT 1 FROM workflows WHERE id = 1) AND EXISTS (SELECT 1 FROM roles WHERE id = 13)
ON CONFLICT DO NOTHING;

INSERT INTO work_statuses (id, workflow_id, status_code_id, sort_order, display_text, is_board_status)
SELECT 100 + sc.id, 1, sc.id, sc.display_order, sc.description, sc.role_id IN (7, 8, 9)
FROM status_codes sc WHERE sc.id BETWEEN 21 AND 27 AND sc.is_formal
ON CONFLICT DO NOTHING;

INSERT INTO pages (id, title, url)
SELECT 11, 'Investigation', '/line-of-duty/investigation' WHERE EXISTS (SELECT 1 FROM pages WHERE id = 10)
ON CONFLICT DO NOTHING;

INSERT INTO workflow_views (workflow_id, page_id, sort_order)
SELECT w.id, 11, 11 FROM workflows w JOIN pages p ON p.id = 11 WHERE w.id IN (1, 2)
ON CONFLICT DO NOTHING;

-- Page access as the seed grants it: the holding role writes its own page and Next Action, everyone reads the
-- rest; only the rows this migration's statuses, role and page add (existing rows stay as administered).
INSERT INTO page_access (workflow_id, status_code_id, role_id, page_id, access)
SELECT ws.workflow_id, sc.id, r.id, p.id,
       CASE WHEN sc.role_id = r.id AND (p.id = 8 OR p.id = own.page_id) THEN 2 ELSE 1 END
FROM work_statuses ws
JOIN status_codes sc ON sc.id = ws.status_code_id
CROSS JOIN roles r
CROSS JOIN pages p
LEFT JOIN (VALUES (2, 3), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 7), (9, 7), (11, 7), (12, 2), (13, 11))
  AS own (role_id, page_id) ON own.role_id = r.id
WHERE ws.workflow_id IN (1, 2) AND r.id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 88)
  AND (sc.id BETWEEN 21 AND 27 OR r.id = 13 OR p.id = 11)
  AND EXISTS (SELECT 1 FROM roles WHERE id = 13)
ON CONFLICT DO NOTHING;

-- The formal path's options (reference-data.ts formalOptions) with the seed's rules and actions: a forward needs
-- the actor's signature, notifies the next holder and releases the lock (the last one records the finding); a
-- return or cancel removes the signatures at its target and releases the lock.
WITH formal (id, from_ws, to_ws, label, kind, sort_order) AS (VALUES
  (200, 121, 122, 'Forward to Formal Wing JA', 'advance', 1),
  (201, 122, 123, 'Forward to Appointing Authority', 'advance', 1),
  (202, 123, 124, 'Forward to LOD Board', 'advance', 1),
  (203, 124, 125, 'Forward to Board Medical', 'advance', 1),
  (204, 125, 126, 'Forward to Board Legal', 'advance', 1),
  (205, 126, 127, 'Forward to Approving Authority', 'advance', 1),
  (206, 127, 119, 'Approve finding and complete', 'advance', 1),
  (208, 122, 121, 'Return without action to Investigating Officer', 'return', 2),
  (209, 123, 122, 'Return without action to Formal Wing JA Review', 'return', 2),
  (210, 124, 123, 'Return without action to Formal Appointing Authority Review', 'return', 2),
  (211, 125, 124, 'Return without action to Formal LOD Board Technician Review', 'return', 2),
  (212, 126, 125, 'Return without action to Formal LOD Board Medical Review', 'return', 2),
  (213, 127, 126, 'Return without action to Formal LOD Board Legal Review', 'return', 2),
  (214, 123, 120, 'Cancel case', 'cancel', 3),
  (215, 127, 120, 'Cancel case', 'cancel', 3),
  (216, 123, 121, 'Return without action to Investigating Officer', 'return', 2),
  (217, 124, 122, 'Return without action to Formal Wing JA Review', 'return', 2),
  (218, 124, 121, 'Return without action to Investigating Officer', 'return', 2),
  (219, 125, 123, 'Return without action to Formal Appointing Authority Review', 'return', 2),
  (220, 125, 122, 'Return without action to Formal Wing JA Review', 'return', 2),
  (221, 125, 121, 'Return without action to Investigating Officer', 'return', 2),
  (222, 126, 124, 'Return without action to Formal LOD Board Technician Review', 'return', 2),
  (223, 126, 123, 'Return without action to Formal Appointing Authority Review', 'return', 2),
  (224, 126, 122, 'Return without action to Formal Wing JA Review', 'return', 2),
  (225, 126, 121, 'Return without action to Investigating Officer', 'return', 2),
  (226, 127, 125, 'Return without action to Formal LOD Board Medical Review', 'return', 2),
  (227, 127, 124, 'Return without action to Formal LOD Board Technician Review', 'return', 2),
  (228, 127, 123, 'Return without action to Formal Appointing Authority Review', 'return', 2),
  (229, 127, 122, 'Return without action to Formal Wing JA Review', 'return', 2),
  (230, 127, 121, 'Return without action to Investigating Officer', 'return', 2),
  (207, 124, 126, 'Forward to Board Legal (no medical review needed)', 'advance', 1)
),
added AS (
  INSERT INTO options (id, work_status_id, target_work_status_id, display_text, kind, sort_order, compo)
  SELECT f.id, f.from_ws, f.to_ws, f.label, f.kind, f.sort_order, '6'
  FROM formal f
  WHERE EXISTS (SELECT 1 FROM work_statuses WHERE id = 121)
    AND NOT EXISTS (SELECT 1 FROM options o WHERE o.work_status_id BETWEEN 121 AND 127)
  RETURNING id, work_status_id, target_work_status_id, kind
),
rules AS (
  INSERT INTO option_rules (option_id, rule_type_id, rule_data, check_all)
  SELECT a.id, rt.id, '', false FROM added a JOIN rule_types rt ON rt.name = 'signatureRequired'
  WHERE a.kind = 'advance'
)
INSERT INTO option_actions (option_id, action_type_id, target, data)
SELECT a.id, at.id, x.target, 0
FROM added a
JOIN work_statuses tw ON tw.id = a.target_work_status_id
JOIN status_codes tsc ON tsc.id = tw.status_code_id
CROSS JOIN LATERAL (VALUES
  (1, 'notifyHolder', coalesce(tsc.role_id, 0), a.kind = 'advance'),
  (2, 'recordFinding', 0, a.kind = 'advance' AND a.target_work_status_id = 119),
  (3, 'removeSignatures', a.target_work_status_id, a.kind <> 'advance'),
  (4, 'releaseLock', 0, true)
) AS x (n, name, target, applies)
JOIN action_types at ON at.name = x.name
WHERE x.applies
ORDER BY a.id, x.n;
