-- The AF 348 itself (issue 16): the member as the case found them, the medical and unit sections, one finding
-- per reviewer role, and signatures bound to the content they signed. Field meanings follow the legacy
-- Form348, Form348_Medical, Form348_Unit and FORM348_findings tables; names and types are ECT's own. The
-- allowed values and who writes what are declared once in src/domain/form/ (the CHECKs below only keep the
-- stored values inside those declarations).

-- Grades and the rank each carries (legacy core_lkupGrade): the member snapshot records both.
CREATE TABLE grade_ranks (
  grade text PRIMARY KEY,
  rank  text NOT NULL
);
INSERT INTO grade_ranks (grade, rank) VALUES
  ('E-1', 'AB'), ('E-2', 'Amn'), ('E-3', 'A1C'), ('E-4', 'SrA'), ('E-5', 'SSgt'), ('E-6', 'TSgt'),
  ('E-7', 'MSgt'), ('E-8', 'SMSgt'), ('E-9', 'CMSgt'),
  ('O-1', '2d Lt'), ('O-2', '1st Lt'), ('O-3', 'Capt'), ('O-4', 'Maj'), ('O-5', 'Lt Col'), ('O-6', 'Col'),
  ('O-7', 'Brig Gen'), ('O-8', 'Maj Gen'), ('O-9', 'Lt Gen'), ('O-10', 'Gen');

-- The member as the personnel record described them when the case started (legacy Form348.member_*): a later
-- promotion, transfer or name change never reaches an old case. Only the masked SSN is kept (masked_ssn, 006).
-- duty_status is the one item a person records: the member's status at the time (AF 348 item "status"),
-- written by the medical technician; every other column is frozen by case_members_snapshot_frozen.
CREATE TABLE case_members (
  case_id     integer     PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  member_id   integer     NOT NULL REFERENCES members (id),
  last_name   text        NOT NULL,
  first_name  text        NOT NULL,
  middle_name text        NOT NULL,
  grade       text        NOT NULL,
  rank        text        NOT NULL,
  masked_ssn  text        NOT NULL,
  unit_id     integer     NOT NULL REFERENCES units (id),
  unit_name   text        NOT NULL,
  pas_code    text        NOT NULL,
  compo       char(1)     NOT NULL REFERENCES compos (code),
  component   text        NOT NULL,
  duty_status text        CHECK (duty_status IN ('regular_or_ead', 'ad_over_30_days', 'ad_30_days_or_less',
                                                 'inactive_duty_training', 'short_tour_training')),
  taken_at    timestamptz NOT NULL DEFAULT now()
);

-- What a case's snapshot holds, from the member and the case's unit: the one definition both the trigger
-- (new cases) and the backfill (cases older than this migration) read.
CREATE VIEW member_snapshot_source AS
  SELECT c.id AS case_id, m.id AS member_id, m.last_name, m.first_name, m.middle_name, m.grade,
         coalesce(g.rank, '') AS rank, masked_ssn(m.ssn) AS masked_ssn, u.id AS unit_id, u.name AS unit_name,
         u.pas_code, m.compo, cp.description AS component
  FROM cases c
  JOIN members m ON m.id = c.member_id
  JOIN units u ON u.id = c.unit_id
  JOIN compos cp ON cp.code = m.compo
  LEFT JOIN grade_ranks g ON g.grade = m.grade;

-- The snapshot is taken by the database in the statement that inserts the case, whoever inserts it (CreateCase,
-- CreateReinvestigation, the demo and bench seeds' set-based inserts): one statement-level insert per statement.
CREATE FUNCTION snapshot_case_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_members (case_id, member_id, last_name, first_name, middle_name, grade, rank, masked_ssn,
                            unit_id, unit_name, pas_code, compo, component)
  SELECT s.case_id, s.member_id, s.last_name, s.first_name, s.middle_name, s.grade, s.rank, s.masked_ssn,
         s.unit_id, s.unit_name, s.pas_code, s.compo, s.component
  FROM new_cases n JOIN member_snapshot_source s ON s.case_id = n.id
  ON CONFLICT (case_id) DO NOTHING;
  RETURN NULL;
END;
$$;
CREATE TRIGGER cases_snapshot_member AFTER INSERT ON cases
  REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION snapshot_case_members();

-- Never rewritten: only duty_status (a recorded answer, not record data) may change.
CREATE FUNCTION case_members_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF to_jsonb(NEW) - 'duty_status' IS DISTINCT FROM to_jsonb(OLD) - 'duty_status' THEN
    RAISE EXCEPTION 'the member snapshot of case % is never rewritten', OLD.case_id USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER case_members_snapshot_frozen BEFORE UPDATE ON case_members
  FOR EACH ROW EXECUTE FUNCTION case_members_frozen();

-- Cases older than this migration: their snapshot is what the member record says now (the best there is).
INSERT INTO case_members (case_id, member_id, last_name, first_name, middle_name, grade, rank, masked_ssn,
                          unit_id, unit_name, pas_code, compo, component)
SELECT case_id, member_id, last_name, first_name, middle_name, grade, rank, masked_ssn, unit_id, unit_name,
       pas_code, compo, component
FROM member_snapshot_source
ON CONFLICT (case_id) DO NOTHING;

-- The medical section (legacy Form348_Medical): the medical technician, then the medical officer.
-- The diagnosis is an ICD-10-CM code as text (shape checked here; its presence in icd10_codes, when that table
-- holds codes, by the service), the 7th character apart as the legacy kept it, and free text.
CREATE TABLE case_medical (
  case_id                     integer     PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  nature_of_event             text        CHECK (nature_of_event IN ('injury', 'illness', 'disease', 'death')),
  event_details               text,
  treatment_facility          text,
  treatment_facility_type     text        CHECK (treatment_facility_type IN ('military', 'civilian')),
  treatment_date              date,
  icd10_code                  text        CHECK (icd10_code ~ '^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$'),
  diagnosis_text              text,
  seventh_character           text        CHECK (seventh_character ~ '^[0-9A-Z]$'),
  death_involved              boolean,
  motor_vehicle_accident      boolean,
  alcohol_test_done           boolean,
  alcohol_test_result         text,
  drug_test_done              boolean,
  drug_test_result            text,
  psychiatric_evaluation      boolean,
  psychiatric_evaluation_date date,
  other_tests                 text,
  other_tests_date            date,
  existed_prior_to_service    boolean,
  service_aggravated          boolean,
  mobility_standards_met      boolean,
  medical_officer_comments    text,
  updated_by                  integer     REFERENCES users (id),
  updated_at                  timestamptz NOT NULL DEFAULT now()
);

-- Proximate causes the unit commander picks from (legacy core_lkupProximateCause); 13 is "Other (specify)"
-- as in the legacy list, and the form then requires unit.proximateCauseOther.
CREATE TABLE proximate_causes (
  id          integer PRIMARY KEY,
  description text    NOT NULL,
  sort_order  integer NOT NULL
);
INSERT INTO proximate_causes (id, description, sort_order) VALUES
  (1, 'Motor vehicle accident', 1),
  (2, 'Sports or physical training', 2),
  (3, 'Aircraft or flight operations mishap', 3),
  (4, 'Workplace or equipment accident while on duty', 4),
  (5, 'Fall, slip or trip', 5),
  (6, 'Assault by another person', 6),
  (7, 'Alcohol or drug use by the member', 7),
  (8, 'Intentional self-injury', 8),
  (9, 'Condition existed prior to service', 9),
  (10, 'Illness or disease contracted or exposure', 10),
  (11, 'Environmental exposure (heat, cold, noise)', 11),
  (12, 'Recreational activity off duty', 12),
  (13, 'Other (specify)', 13);

-- The unit commander's section (legacy Form348_Unit).
CREATE TABLE case_unit (
  case_id                  integer     PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  duty_status              text        CHECK (duty_status IN ('present_for_duty', 'absent_with_authority',
                                              'absent_without_authority', 'inactive_duty_training',
                                              'annual_training', 'travel_to_or_from_duty', 'other')),
  duty_status_other        text,
  duty_from                date,
  duty_to                  date,
  on_orders                boolean,
  activated                boolean,
  absent_from              date,
  absent_to                date,
  information_source       text        CHECK (information_source IN ('member', 'witness', 'medical_records',
                                              'police_report', 'commander_inquiry', 'other')),
  information_source_other text,
  circumstances            text,
  proximate_cause_id       integer     REFERENCES proximate_causes (id),
  proximate_cause_other    text,
  member_credible          boolean,
  travel_occurrence        text        CHECK (travel_occurrence IN ('not_travelling', 'travelling_to_duty',
                                              'travelling_from_duty')),
  proof_of_status_verified boolean,
  updated_by               integer     REFERENCES users (id),
  updated_at               timestamptz NOT NULL DEFAULT now()
);

-- Witnesses the unit commander lists (legacy Form348_Unit.witnesses XML), in the order given.
CREATE TABLE case_unit_witnesses (
  case_id   integer  NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  position  smallint NOT NULL,
  name      text     NOT NULL,
  contact   text     NOT NULL DEFAULT '',
  statement text     NOT NULL DEFAULT '',
  PRIMARY KEY (case_id, position)
);

-- One finding per case and reviewer role (legacy FORM348_findings, one row per ptype): the finding, whether
-- the reviewer concurs with the previous recommendation, "by reason of" and the explanation; who and when.
CREATE TABLE case_findings (
  case_id      integer     NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  role_id      integer     NOT NULL REFERENCES roles (id),
  finding_id   integer     REFERENCES findings (id),
  concur       boolean,
  reason_id    integer     REFERENCES finding_reasons (id),
  explanation  text        NOT NULL DEFAULT '',
  updated_by   integer     NOT NULL REFERENCES users (id),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, role_id)
);

-- Signatures sign something: the SHA-256 (hex) of the canonical content of the sections they cover
-- (src/domain/form/content-hash.ts), which sections, and when and by whom a later change invalidated them.
-- Signatures recorded before the form existed carry no hash; a change to a section they cover still
-- invalidates them.
ALTER TABLE signatures
  ADD COLUMN content_sha256 text CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
  ADD COLUMN sections       text[],
  ADD COLUMN invalidated_at timestamptz,
  ADD COLUMN invalidated_by integer REFERENCES users (id);
