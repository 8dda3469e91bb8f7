-- Case search (issue 20): one box over case numbers, member names and SSN digits, with filters, in the caller's
-- units (src/services/search/search-sql.ts). The same SQL on PostgreSQL and on PGlite (which loads pg_trgm in
-- src/db/pglite-db.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Member names anywhere in last, first or middle name ("smith", "ann smi"): a trigram index over the exact
-- expression MEMBER_NAME_TEXT spells.
CREATE INDEX members_name_trgm ON members
  USING gin ((lower(last_name || ' ' || first_name || ' ' || middle_name)) gin_trgm_ops);

-- Full-SSN search: members.ssn is UNIQUE, so its index serves it. Last four: members_by_ssn_last4 (002).

-- Case number prefixes ("20261126-"): LIKE 'prefix%' needs pattern ops under a non-C collation.
CREATE INDEX cases_by_case_number_prefix ON cases (case_number text_pattern_ops);

-- A member's LOD history newest first, and the name/SSN searches that join cases by member.
CREATE INDEX cases_by_member_newest ON cases (member_id, id DESC);
DROP INDEX cases_by_member;

-- Created-date ranges.
CREATE INDEX cases_by_created ON cases (created_at, id);

-- The full-SSN search permission (id 23): the system administrator, the LOD program manager and the MPF. A fresh
-- database gets these rows from the seed (src/seed/reference-data.ts); the inserts touch only a database seeded
-- before this migration (its roles exist), and do nothing twice.
INSERT INTO permissions (id, name, description)
SELECT 23, 'ssnSearch', 'Search cases by a member''s full SSN, with a reason (audited)'
WHERE EXISTS (SELECT 1 FROM roles)
ON CONFLICT DO NOTHING;

INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r JOIN permissions p ON p.name = 'ssnSearch'
WHERE r.id IN (1, 10, 12)
ON CONFLICT DO NOTHING;
