-- Security hardening: the permissions for telemetry ingest and operator data, and revoked tokens.

-- A database seeded before this migration gains the two permissions for its system administrators; a new
-- database gets them from the seed (which runs after the migrations), so nothing is inserted here then.
INSERT INTO permissions (id, name, description)
SELECT v.id, v.name, v.description
FROM (VALUES (13, 'telemetryWrite', 'Send spans to the OTLP receiver'),
             (14, 'operatorView', 'Read health details and metrics')) AS v (id, name, description)
WHERE EXISTS (SELECT 1 FROM roles)
ON CONFLICT DO NOTHING;

INSERT INTO role_permissions (role_id, permission_id)
SELECT 1, p.id FROM permissions p
WHERE p.name IN ('telemetryWrite', 'operatorView') AND EXISTS (SELECT 1 FROM roles WHERE id = 1)
ON CONFLICT DO NOTHING;

-- Tokens revoked by sign-out, kept until they would have expired anyway (every instance checks them).
CREATE TABLE revoked_tokens (
  token_id text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at);
