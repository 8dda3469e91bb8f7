-- The program manager's reports (issue 20): the reportView permission, held by the LOD program manager, the HQ
-- AFRC technician, the wing commander (for the wing) and the system administrator. A fresh database gets these
-- rows from the seed (src/seed/reference-data.ts), so the inserts touch only a database seeded before this
-- migration (its roles exist), and do nothing twice.
INSERT INTO permissions (id, name, description)
SELECT 25, 'reportView', 'Run the LOD program reports over one''s units'
WHERE EXISTS (SELECT 1 FROM roles)
ON CONFLICT DO NOTHING;

INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r JOIN permissions p ON p.name = 'reportView'
WHERE r.id IN (1, 6, 10, 88)
ON CONFLICT DO NOTHING;

