-- Documents on a case (issue 18): categories per workflow as data (legacy DocumentCategory2 / DocCategoryView),
-- who may add which category at which status, documents stored in chunks with their SHA-256, never deleted
-- (withdrawn with a reason, or superseded by a new version), and the rule "a document of category X is required
-- before option Y". A fresh database gets the categories, their access rows, the rule and the permissions from the
-- seed (src/seed/document-reference.ts); the inserts below touch only a database seeded before this migration and do
-- nothing twice.

CREATE TABLE document_categories (
  id          serial   PRIMARY KEY,
  workflow_id integer  NOT NULL REFERENCES workflows (id),
  code        text     NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,63}$'),
  name        text     NOT NULL,
  -- Memos: only the server files them (when the approving authority decides, when an IO is appointed).
  system_only boolean  NOT NULL DEFAULT false,
  sort_order  smallint NOT NULL DEFAULT 0,
  UNIQUE (workflow_id, code)
);

-- Who may add a document of a category: the role, at the status (legacy DocCategoryView by view and status).
CREATE TABLE document_category_access (
  category_id    integer NOT NULL REFERENCES document_categories (id) ON DELETE CASCADE,
  status_code_id integer NOT NULL REFERENCES status_codes (id),
  role_id        integer NOT NULL REFERENCES roles (id),
  PRIMARY KEY (category_id, status_code_id, role_id)
);

-- One row per document; the bytes live in document_chunks. Written in one transaction with its chunks, so a
-- half-written document is never visible.
CREATE TABLE documents (
  id              serial      PRIMARY KEY,
  case_id         integer     NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  category_id     integer     NOT NULL REFERENCES document_categories (id),
  file_name       text        NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  content_type    text        NOT NULL,
  size_bytes      bigint      NOT NULL CHECK (size_bytes >= 0),
  sha256          text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- NULL: filed by the server itself (a memo).
  uploaded_by     integer     REFERENCES users (id),
  uploaded_at     timestamptz NOT NULL DEFAULT now(),
  supersedes      integer     REFERENCES documents (id),
  withdrawn_at    timestamptz,
  withdrawn_by    integer     REFERENCES users (id),
  withdraw_reason text,
  CHECK ((withdrawn_at IS NULL) = (withdraw_reason IS NULL))
);
-- The list of a case's documents, oldest first.
CREATE INDEX documents_by_case ON documents (case_id, id);
-- A document is superseded at most once: the newer version is found by this index.
CREATE UNIQUE INDEX documents_superseded_once ON documents (supersedes) WHERE supersedes IS NOT NULL;

-- The bytes, chunk by chunk (config.documents.chunkBytes each), read back one chunk per query.
CREATE TABLE document_chunks (
  document_id integer NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  seq         integer NOT NULL CHECK (seq >= 0),
  bytes       bytea   NOT NULL,
  PRIMARY KEY (document_id, seq)
);

-- "A document of this category is required before this option": the move is refused naming the category.
CREATE TABLE required_documents (
  option_id   integer NOT NULL REFERENCES options (id) ON DELETE CASCADE,
  category_id integer NOT NULL REFERENCES document_categories (id) ON DELETE CASCADE,
  PRIMARY KEY (option_id, category_id)
);

-- The rows of a database seeded before this migration (the same rows as src/seed/document-reference.ts).
INSERT INTO permissions (id, name, description)
SELECT v.id, v.name, v.description
FROM (VALUES
  (15, 'documentAdd', 'Add documents to cases in one''s units'),
  (16, 'documentWithdraw', 'Withdraw documents of cases in one''s units')
) AS v (id, name, description)
WHERE EXISTS (SELECT 1 FROM permissions WHERE id = 1)
ON CONFLICT DO NOTHING;

INSERT INTO role_permissions (role_id, permission_id)
SELECT v.role_id, v.permission_id
FROM (VALUES
  (1, 15), (2, 15), (3, 15), (4, 15), (5, 15), (6, 15), (7, 15), (8, 15), (9, 15), (11, 15), (12, 15), (13, 15),
  (1, 16), (2, 16), (7, 16), (10, 16)
) AS v (role_id, permission_id)
JOIN roles r ON r.id = v.role_id
JOIN permissions p ON p.id = v.permission_id
ON CONFLICT DO NOTHING;

INSERT INTO document_categories (workflow_id, code, name, system_only, sort_order)
SELECT v.workflow_id, v.code, v.name, v.system_only, v.sort_order
FROM (VALUES
  (1, 'medical_records', 'Medical Records', false, 1),
  (1, 'orders', 'Orders', false, 2),
  (1, 'witness_statements', 'Witness Statements', false, 3),
  (1, 'police_report', 'Police or Accident Report', false, 4),
  (1, 'investigation_report', 'Investigation Report', false, 5),
  (1, 'other', 'Other', false, 6),
  (1, 'determination_memo', 'Determination Memo', true, 7),
  (1, 'appointment_memo', 'IO Appointment Memo', true, 8),
  (2, 'medical_records', 'Medical Records', false, 1),
  (2, 'orders', 'Orders', false, 2),
  (2, 'other', 'Other', false, 3),
  (2, 'determination_memo', 'Determination Memo', true, 4)
) AS v (workflow_id, code, name, system_only, sort_order)
JOIN workflows w ON w.id = v.workflow_id
ON CONFLICT DO NOTHING;

-- Each category is open to the role holding each of its statuses.
INSERT INTO document_category_access (category_id, status_code_id, role_id)
SELECT c.id, sc.id, sc.role_id
FROM (VALUES
  (1, 'medical_records', ARRAY[10, 11, 15, 16, 24, 25]),
  (1, 'orders', ARRAY[10, 12, 15, 24]),
  (1, 'witness_statements', ARRAY[12, 15, 21, 24]),
  (1, 'police_report', ARRAY[12, 15, 21, 24]),
  (1, 'investigation_report', ARRAY[21]),
  (1, 'other', ARRAY[10, 11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26, 27]),
  (2, 'medical_records', ARRAY[30, 33]),
  (2, 'orders', ARRAY[30, 33]),
  (2, 'other', ARRAY[30, 31, 32, 33, 34])
) AS v (workflow_id, code, statuses)
JOIN document_categories c ON c.workflow_id = v.workflow_id AND c.code = v.code
JOIN status_codes sc ON sc.id = ANY (v.statuses) AND sc.role_id IS NOT NULL
ON CONFLICT DO NOTHING;

-- Medical records before the medical officer forwards (Medical Officer Review → Unit Commander Review).
INSERT INTO required_documents (option_id, category_id)
SELECT o.id, c.id
FROM options o
JOIN document_categories c ON c.workflow_id = 1 AND c.code = 'medical_records'
WHERE o.work_status_id = 111 AND o.target_work_status_id = 112 AND o.kind = 'advance'
ON CONFLICT DO NOTHING;
