-- A workflow true to the AF 348 process (issue 16), for databases seeded before it; a fresh database gets the
-- same rows from the seed (src/seed/reference-data.ts routeOptions), so on an empty options table this does
-- nothing. Rows are matched by what they do (from, to, kind), never by id: ids here come after the highest
-- option id in use, so options an administrator added keep theirs.

-- Return without action to ANY earlier status of the seeded routes (LOD 110..118, reinvestigation 130..134),
-- not only one step back; each return clears the returned-to status's signatures and the edit lock, like the
-- seeded returns. Only where both work statuses sit in the seeded workflow.
WITH route (workflow_id, position, work_status_id) AS (
  SELECT 1, p, 110 + p FROM generate_series(0, 8) AS p
  UNION ALL
  SELECT 2, p, 130 + p FROM generate_series(0, 4) AS p
),
missing AS (
  SELECT f.work_status_id AS from_ws, t.work_status_id AS to_ws, sc.description, w.compo,
         row_number() OVER (ORDER BY f.workflow_id, f.position, t.position DESC) AS n
  FROM route f
  JOIN route t ON t.workflow_id = f.workflow_id AND t.position < f.position
  JOIN work_statuses wf ON wf.id = f.work_status_id AND wf.workflow_id = f.workflow_id
  JOIN work_statuses wt ON wt.id = t.work_status_id AND wt.workflow_id = t.workflow_id
  JOIN status_codes sc ON sc.id = wt.status_code_id
  JOIN workflows w ON w.id = f.workflow_id
  WHERE NOT EXISTS (
    SELECT 1 FROM options o
    WHERE o.work_status_id = f.work_status_id AND o.target_work_status_id = t.work_status_id AND o.kind = 'return'
  )
),
added AS (
  INSERT INTO options (id, work_status_id, target_work_status_id, display_text, kind, sort_order, compo)
  SELECT (SELECT coalesce(max(id), 0) FROM options) + n, from_ws, to_ws,
         'Return without action to ' || description, 'return', 2, compo
  FROM missing
  RETURNING id, work_status_id, target_work_status_id
),
actions AS (
  INSERT INTO option_actions (option_id, action_type_id, target, data)
  SELECT a.id, at.id, CASE at.name WHEN 'removeSignatures' THEN a.target_work_status_id ELSE 0 END, 0
  FROM added a JOIN action_types at ON at.name IN ('removeSignatures', 'releaseLock')
  ORDER BY a.id, at.name DESC
)
SELECT count(*) FROM added;

-- At the board technician's review (115) the formal flag picks between the two forwards only: a return is
-- open whether or not the case is formal (older seeds put the flag rule on the one-step return too).
DELETE FROM option_rules r
USING options o, rule_types rt
WHERE o.id = r.option_id AND rt.id = r.rule_type_id AND rt.name = 'formalInvestigation'
  AND o.work_status_id = 115 AND o.kind = 'return';

-- Cancel is open only to the medical officer (111), the appointing authority (114) and the approving
-- authority (118): the seed's cancels at the medical technician (110) and the unit commander (112) go.
DELETE FROM options o
USING work_statuses ws
WHERE ws.id = o.work_status_id AND ws.workflow_id = 1 AND o.kind = 'cancel' AND o.work_status_id IN (110, 112);

WITH added AS (
  INSERT INTO options (id, work_status_id, target_work_status_id, display_text, kind, sort_order, compo)
  SELECT (SELECT coalesce(max(id), 0) FROM options) + 1, 118, 120, 'Cancel case', 'cancel', 3, w.compo
  FROM workflows w
  JOIN work_statuses wf ON wf.id = 118 AND wf.workflow_id = w.id
  JOIN work_statuses wt ON wt.id = 120 AND wt.workflow_id = w.id
  WHERE w.id = 1 AND NOT EXISTS (SELECT 1 FROM options o WHERE o.work_status_id = 118 AND o.kind = 'cancel')
  RETURNING id, target_work_status_id
)
INSERT INTO option_actions (option_id, action_type_id, target, data)
SELECT a.id, at.id, CASE at.name WHEN 'removeSignatures' THEN a.target_work_status_id ELSE 0 END, 0
FROM added a JOIN action_types at ON at.name IN ('removeSignatures', 'releaseLock')
ORDER BY a.id, at.name DESC;
