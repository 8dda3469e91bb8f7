-- Memos (issue 18 item 6): the determination memo to the member and the investigating officer's appointment memo,
-- as templates an administrator edits (legacy core_MemoTemplates: title, body, signature block, module, font size),
-- rendered with Mustache to PDF and stored as documents of the case (015) when the approving authority decides or
-- the appointing authority appoints an IO. The templates are the same on a fresh database and on one seeded
-- before this migration, so they are inserted here and nowhere else.

CREATE TABLE memo_templates (
  key             text        PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,63}$'),
  -- The module the template serves (seeded modules: 2 LOD); no FK: a fresh database seeds modules after this.
  module_id       integer     NOT NULL,
  -- determination: the approving authority's finding it answers (findings.code); NULL for the appointment memo.
  finding_code    text        UNIQUE,
  kind            text        NOT NULL CHECK (kind IN ('determination', 'appointment')),
  title           text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  memorandum_for  text        NOT NULL CHECK (length(memorandum_for) BETWEEN 1 AND 300),
  sender          text        NOT NULL CHECK (length(sender) BETWEEN 1 AND 300),
  subject         text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
  body            text        NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  signature_block text        NOT NULL CHECK (length(signature_block) <= 1000),
  font_size       integer     NOT NULL DEFAULT 11 CHECK (font_size BETWEEN 8 AND 16),
  updated_by      integer     REFERENCES users (id),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'determination') = (finding_code IS NOT NULL))
);

-- Which stored document is which memo: the template it came from (and its title then) and who caused it (the
-- document itself is filed by the server: documents.uploaded_by is NULL).
CREATE TABLE case_memos (
  document_id  integer     PRIMARY KEY REFERENCES documents (id),
  case_id      integer     NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  template_key text        NOT NULL REFERENCES memo_templates (key),
  title        text        NOT NULL,
  created_by   integer     NOT NULL REFERENCES users (id)
);
CREATE INDEX case_memos_by_case ON case_memos (case_id, document_id);

INSERT INTO memo_templates (key, module_id, finding_code, kind, title, memorandum_for, sender, subject, body,
                            signature_block) VALUES
('determination_ilod', 2, 'ILOD', 'determination',
 'Line of Duty Determination: In Line of Duty',
 '{{memberRankName}}, {{unitName}}',
 'HQ AFRC/SG, {{approvingAuthority}}, Approving Authority',
 'Line of Duty Determination, Case {{caseNumber}}',
 E'1. The Line of Duty investigation of your {{natureOfEvent}} ({{incidentDescription}}) has been reviewed. The approving authority has determined that it was IN LINE OF DUTY.\n\n2. This determination means that the {{natureOfEvent}} was incurred or aggravated while you were in a duty status and was not due to your own misconduct. You may be entitled to medical care and incapacitation pay as provided by law.\n\n3. Direct any questions to your unit commander.',
 E'{{approvingAuthority}}\nApproving Authority'),
('determination_nilod_not_misconduct', 2, 'NILOD-NOT-MISCONDUCT', 'determination',
 'Line of Duty Determination: Not in Line of Duty, Not Due to Own Misconduct',
 '{{memberRankName}}, {{unitName}}',
 'HQ AFRC/SG, {{approvingAuthority}}, Approving Authority',
 'Line of Duty Determination, Case {{caseNumber}}',
 E'1. The Line of Duty investigation of your {{natureOfEvent}} ({{incidentDescription}}) has been reviewed. The approving authority has determined that it was NOT IN LINE OF DUTY, NOT DUE TO YOUR OWN MISCONDUCT, by reason of: {{byReasonOf}}.\n\n2. You may appeal this determination in writing through your unit commander within 45 days of receiving this memorandum, stating the reasons and enclosing any new evidence.\n\n3. Direct any questions to your unit commander.',
 E'{{approvingAuthority}}\nApproving Authority'),
('determination_nilod_misconduct', 2, 'NILOD-MISCONDUCT', 'determination',
 'Line of Duty Determination: Not in Line of Duty, Due to Own Misconduct',
 '{{memberRankName}}, {{unitName}}',
 'HQ AFRC/SG, {{approvingAuthority}}, Approving Authority',
 'Line of Duty Determination, Case {{caseNumber}}',
 E'1. The Line of Duty investigation of your {{natureOfEvent}} ({{incidentDescription}}) has been reviewed. The approving authority has determined that it was NOT IN LINE OF DUTY, DUE TO YOUR OWN MISCONDUCT, by reason of: {{byReasonOf}}.\n\n2. This determination may affect your entitlement to medical care and pay. You may appeal it in writing through your unit commander within 45 days of receiving this memorandum, stating the reasons and enclosing any new evidence.\n\n3. Direct any questions to your unit commander.',
 E'{{approvingAuthority}}\nApproving Authority'),
('determination_epts', 2, 'EPTS-LOD-NA', 'determination',
 'Line of Duty Determination: Existed Prior to Service',
 '{{memberRankName}}, {{unitName}}',
 'HQ AFRC/SG, {{approvingAuthority}}, Approving Authority',
 'Line of Duty Determination, Case {{caseNumber}}',
 E'1. The Line of Duty investigation of your {{natureOfEvent}} ({{incidentDescription}}) has been reviewed. The approving authority has determined that the condition EXISTED PRIOR TO SERVICE (EPTS) and was not aggravated by your military service; a Line of Duty determination does not apply.\n\n2. You may appeal this determination in writing through your unit commander within 45 days of receiving this memorandum, stating the reasons and enclosing any new evidence.\n\n3. Direct any questions to your unit commander.',
 E'{{approvingAuthority}}\nApproving Authority'),
('io_appointment', 2, NULL, 'appointment',
 'Appointment of Investigating Officer',
 '{{investigatingOfficer}}, {{investigatingOfficerUnit}}',
 '{{appointingAuthority}}, Appointing Authority, {{unitName}}',
 'Appointment as Investigating Officer, Line of Duty Case {{caseNumber}}',
 E'1. You are appointed to investigate the circumstances of the {{natureOfEvent}} of {{memberRankName}}, {{unitName}} (Line of Duty case {{caseNumber}}): {{incidentDescription}}.\n\n2. Reason for the formal investigation: {{reason}}\n\n3. Your report of investigation (AF Form 1271) is due by {{suspenseDate}}. This appointment takes precedence over your other duties. Contact the wing judge advocate before you begin.',
 E'{{appointingAuthority}}\nAppointing Authority');

-- The permission to edit memo templates (id 18): the system administrator and the LOD program manager. A fresh
-- database gets it from the seed (src/seed/reference-data.ts); these rows touch only a database seeded before.
INSERT INTO permissions (id, name, description)
SELECT 18, 'templateAdmin', 'Edit memo templates'
WHERE EXISTS (SELECT 1 FROM roles WHERE id = 1)
ON CONFLICT DO NOTHING;
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, 18 FROM roles r JOIN permissions p ON p.id = 18 WHERE r.id IN (1, 10)
ON CONFLICT DO NOTHING;
