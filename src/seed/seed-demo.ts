import type { Queryable } from "../db/db.js";
import { seedDemoDocuments } from "./demo-documents.js";
import { seedDemoForms } from "./demo-forms.js";
import { seedDemoMemos } from "./demo-memos.js";
import { seedFormalDemoCases } from "./demo-scenarios.js";
import { insertRows } from "./insert-rows.js";
import * as ref from "./reference-data.js";

const { COMPO_AFRC: AFRC, ws } = ref;

const lastNames = [
  "Anderson",
  "Baker",
  "Carter",
  "Diaz",
  "Edwards",
  "Fischer",
  "Garcia",
  "Harris",
  "Ibrahim",
  "Jensen",
  "Khan",
  "Lopez",
  "Miller",
  "Nguyen",
  "Olsen",
  "Patel",
  "Quinn",
  "Reyes",
  "Smith",
  "Turner",
  "Underwood",
  "Vasquez",
  "Walker",
  "Xu",
  "Young",
  "Zimmerman",
  "Brooks",
  "Coleman",
  "Dawson",
  "Ellis",
  "Fleming",
  "Gordon",
  "Hayes",
  "Irwin",
  "Jordan",
  "Keller",
  "Lambert",
  "Morgan",
  "Nash",
  "Ortiz",
];
const firstNames = [
  "James",
  "Mary",
  "Robert",
  "Patricia",
  "John",
  "Jennifer",
  "Michael",
  "Linda",
  "William",
  "Elizabeth",
  "David",
  "Barbara",
  "Richard",
  "Susan",
  "Joseph",
  "Jessica",
  "Thomas",
  "Sarah",
  "Charles",
  "Karen",
  "Daniel",
  "Nancy",
  "Matthew",
  "Lisa",
  "Anthony",
  "Betty",
  "Mark",
  "Sandra",
  "Donald",
  "Ashley",
  "Steven",
  "Kimberly",
  "Paul",
  "Emily",
  "Andrew",
  "Donna",
  "Joshua",
  "Michelle",
  "Kenneth",
  "Carol",
];
const grades = ["E-3", "E-4", "E-5", "E-6", "E-7", "E-8", "O-1", "O-2", "O-3", "O-4", "O-5"];
const incidents = [
  "Left ankle sprain during unit physical training",
  "Lower back strain lifting cargo pallets on the flight line",
  "Laceration to right hand while servicing aircraft panel",
  "Knee injury in a vehicle accident travelling to drill weekend",
  "Heat exhaustion during readiness exercise",
  "Shoulder dislocation during combatives training",
  "Respiratory illness diagnosed during annual tour",
  "Fractured wrist from fall on icy ramp",
  "Hearing loss reported after engine run without protection",
  "Concussion from fall from maintenance stand",
];
const logMessages = [
  "Completed successfully",
  "Completed with warnings: 3 records skipped",
  "Started",
  "Failed: upstream personnel feed timed out",
  "Completed: 214 reminder emails queued",
  "Completed: 12 idle sessions removed",
];

/** Sizes of the generated data set. */
export interface DemoSize {
  members: number;
  cases: number;
  logs: number;
  /** Extra generated users beyond the named demo users. */
  users: number;
  /** How many generated users have an open session. */
  online: number;
  /** Write the full tracking and signature history of each case and each LOD's AF 348 (slow for millions of cases). */
  history: boolean;
}

export const demoSize: DemoSize = {
  members: 2000,
  cases: 400,
  logs: 600,
  users: 40,
  online: 12,
  history: true,
};

/** Units, users, members, cases in every status with their history, and process logs. */
export async function seedDemoData(tx: Queryable, size: DemoSize): Promise<void> {
  await insertRows(
    tx,
    "units",
    ["id", "parent_id", "name", "pas_code", "compo"],
    ref.units.map((unit) => [...unit, AFRC]),
  );
  await tx.query(`
    INSERT INTO unit_tree (ancestor_id, descendant_id, depth)
    WITH RECURSIVE tree (ancestor_id, descendant_id, depth) AS (
      SELECT id, id, 0 FROM units
      UNION ALL
      SELECT tree.ancestor_id, units.id, tree.depth + 1 FROM tree JOIN units ON units.parent_id = tree.descendant_id
    )
    SELECT ancestor_id, descendant_id, depth FROM tree`);
  await seedUsers(tx, size);
  const memberUnits = ref.units.filter(([id]) => id >= 10).map(([id]) => id);
  await tx.query(
    `INSERT INTO members (ssn, last_name, first_name, middle_name, grade, unit_id, date_of_birth, compo)
     SELECT '9' || lpad(((g * 48271) % 90000000 + 10000000)::text, 8, '0'),
            ($2::text[])[1 + (g * 7) % array_length($2::text[], 1)],
            ($3::text[])[1 + (g * 13) % array_length($3::text[], 1)],
            chr(65 + (g * 11) % 26),
            ($4::text[])[1 + (g * 5) % array_length($4::text[], 1)],
            ($5::int[])[1 + (g * 3) % array_length($5::int[], 1)],
            date '1970-01-01' + ((g * 7919) % 12000),
            '${AFRC}'
     FROM generate_series(1, $1::int) AS g`,
    [size.members, lastNames, firstNames, grades, memberUnits],
  );
  await seedLodCases(tx, size);
  await seedReinvestigations(tx, size);
  // After the reinvestigations, so the ids of the generated cases stay what tests and docs name.
  if (size.history) await seedFormalDemoCases(tx, new Date().toISOString().slice(0, 10));
  await seedDemoDocuments(tx);
  // The memos record the history: without it (the benchmarks' millions of cases) there is nothing to file.
  if (size.history) await seedDemoMemos(tx);
  await tx.query(
    `INSERT INTO process_logs (process_id, execution_date, message)
     SELECT p.id, now() - g * interval '47 minutes', ($2::text[])[1 + g % array_length($2::text[], 1)] || ' (run ' || g || ')'
     FROM generate_series(1, $1::int) AS g
     JOIN processes p ON p.id = 1 + g % 5`,
    [size.logs, logMessages],
  );
}

async function seedUsers(tx: Queryable, size: DemoSize): Promise<void> {
  const named = ref.demoUsers.map(([username, first, last, rank, roleId, unitId], index) => [
    username,
    String(1_000_000_001 + index),
    first,
    last,
    rank,
    `${username}@ect.example.mil`,
    AFRC,
    unitId,
    roleId,
  ]);
  await insertRows(
    tx,
    "users",
    [
      "username",
      "edipin",
      "first_name",
      "last_name",
      "rank",
      "email",
      "work_compo",
      "unit_id",
      "current_role_id",
    ],
    named,
  );
  const caseRoles = ref.roles.map(([id]) => id).filter((id) => id !== ref.Role.SystemAdmin);
  const unitIds = ref.units.map(([id]) => id);
  await tx.query(
    `INSERT INTO users (username, edipin, first_name, last_name, rank, email, work_compo, unit_id, current_role_id,
                        account_status, expiration_date)
     SELECT 'user' || lpad(g::text, 6, '0'), (2000000000 + g)::text,
            ($2::text[])[1 + (g * 13) % array_length($2::text[], 1)],
            ($3::text[])[1 + (g * 7) % array_length($3::text[], 1)],
            'SSgt', 'user' || g || '@ect.example.mil', '${AFRC}',
            ($4::int[])[1 + (g * 5) % array_length($4::int[], 1)],
            ($5::int[])[1 + g % array_length($5::int[], 1)],
            CASE WHEN g % 17 = 0 THEN 'inactive' WHEN g % 23 = 0 THEN 'pending' ELSE 'active' END,
            current_date + (g % 400)
     FROM generate_series(1, $1::int) AS g`,
    [size.users, firstNames, lastNames, unitIds, caseRoles],
  );
  await tx.query(
    `INSERT INTO user_roles (user_id, role_id, status, active) SELECT id, current_role_id, 'approved', true FROM users`,
  );
  // The program manager can also act as an MPF, to show users holding several roles.
  await tx.query(
    `INSERT INTO user_roles (user_id, role_id, status, active)
     SELECT id, $1, 'approved', false FROM users WHERE username = 'lodpm'`,
    [ref.Role.MilitaryPersonnelFlight],
  );
  await tx.query(
    `INSERT INTO user_alt_titles (user_id, role_id, title)
     SELECT u.id, u.current_role_id, r.sign_title || ', ' || un.name
     FROM users u JOIN roles r ON r.id = u.current_role_id JOIN units un ON un.id = u.unit_id
     WHERE u.username NOT LIKE 'user%'`,
  );
  await tx.query(
    `INSERT INTO sessions (id, user_id, role_id, login_time, last_access, remote_address)
     SELECT md5('session-' || u.id), u.id, u.current_role_id,
            now() - (u.id % 50) * interval '1 minute', now() - (u.id % 20) * interval '1 minute',
            '10.20.' || (u.id % 250) || '.' || (u.id % 200)
     FROM users u WHERE u.username LIKE 'user%' AND u.account_status = 'active'
     ORDER BY u.id LIMIT $1`,
    [size.online],
  );
}

/**
 * LOD cases spread over every status of the route plus cancelled ones; case g sits at route position
 * g % 13 (0–9 along the route, 10–12 cancelled). With the history, each case's path, form and findings come
 * from its plan (demo-forms.ts): who cancelled, which cases were returned, which went formal.
 */
async function seedLodCases(tx: Queryable, size: DemoSize): Promise<void> {
  const route = ref.lodRoute;
  await tx.query(
    `INSERT INTO cases (case_number, module_id, workflow_id, work_status_id, unit_id, member_id, created_by,
                        created_at, updated_at)
     SELECT to_char(now() - (g % 120) * interval '1 day', 'YYYYMMDD') || '-' || lpad(g::text, 7, '0'),
            $2, $3,
            CASE WHEN g % 13 <= 9 THEN 100 + ($4::int[])[1 + g % 13] ELSE $5 END,
            m.unit_id, m.id, creator.id,
            now() - ((g % 120) + 2 * (g % 13) + 1) * interval '1 day' - (g % 1440) * interval '1 minute',
            now() - (g % 120) * interval '1 day'
     FROM generate_series(1, $1::int) AS g
     JOIN members m ON m.id = 1 + (g * 7919) % (SELECT count(*) FROM members)
     CROSS JOIN (SELECT id FROM users WHERE username = 'medtech') AS creator`,
    [size.cases, ref.Module.Lod, ref.Workflow.Lod, route, ws(20)],
  );
  // The formal flag and the determination, and with the history the incident and the reasons of returns and
  // cancellations, come from each case's plan.
  await tx.query(
    `INSERT INTO lod_details (case_id, incident_description)
     SELECT c.id, ($1::text[])[1 + c.id % array_length($1::text[], 1)] FROM cases c WHERE c.module_id = $2`,
    [incidents, ref.Module.Lod],
  );
  if (!size.history) {
    await tx.query(
      `INSERT INTO tracking (case_id, module_id, workflow_id, work_status_id, start_time)
       SELECT id, module_id, workflow_id, work_status_id, updated_at FROM cases WHERE module_id = $1`,
      [ref.Module.Lod],
    );
    return;
  }
  await seedDemoForms(tx);
}

/** Tracking rows and signatures for each reinvestigation request's path up to its current status. */
async function insertHistory(tx: Queryable, moduleId: number, route: number[]): Promise<void> {
  // steps: each case's path as (ordinal, work status).
  const steps = `
    WITH positions AS (
      SELECT c.id, c.module_id, c.workflow_id, c.created_at, c.work_status_id,
             array_position($2::int[], c.work_status_id - 100) - 1 AS pos
      FROM cases c WHERE c.module_id = $1
    ), steps AS (
      SELECT p.*, r.ord::int AS ord, 100 + r.sc AS step_ws
      FROM positions p CROSS JOIN LATERAL unnest($2::int[]) WITH ORDINALITY AS r (sc, ord)
      WHERE r.ord - 1 <= p.pos
    )`;
  await tx.query(
    `${steps}
     INSERT INTO tracking (case_id, module_id, workflow_id, work_status_id, start_time, end_time, completed_by, action_label)
     SELECT s.id, s.module_id, s.workflow_id, s.step_ws,
            s.created_at + (s.ord - 1) * interval '2 days',
            CASE WHEN s.ord <= s.pos THEN s.created_at + s.ord * interval '2 days' END,
            CASE WHEN s.ord <= s.pos THEN holder.id END,
            CASE WHEN s.ord <= s.pos THEN 'Forwarded' ELSE '' END
     FROM steps s
     JOIN work_statuses w ON w.id = s.step_ws
     JOIN status_codes sc ON sc.id = w.status_code_id
     LEFT JOIN LATERAL (SELECT min(u.id) AS id FROM users u WHERE u.current_role_id = sc.role_id
                        AND u.username NOT LIKE 'user%') holder ON true
     ORDER BY s.id, s.ord`,
    [moduleId, route],
  );
  // The current row of a final status is closed at once: nothing is waiting there.
  await tx.query(
    `UPDATE tracking t SET end_time = t.start_time
     FROM work_statuses w JOIN status_codes sc ON sc.id = w.status_code_id
     WHERE w.id = t.work_status_id AND sc.is_final AND t.end_time IS NULL AND t.module_id = $1`,
    [moduleId],
  );
  await tx.query(
    `INSERT INTO signatures (case_id, module_id, workflow_id, work_status_id, role_id, user_id, signed_at,
                             name_and_rank, title)
     SELECT t.case_id, t.module_id, t.workflow_id, t.work_status_id, sc.role_id, u.id, t.end_time,
            u.rank || ' ' || u.first_name || ' ' || u.last_name, r.sign_title
     FROM tracking t
     JOIN work_statuses w ON w.id = t.work_status_id
     JOIN status_codes sc ON sc.id = w.status_code_id
     JOIN users u ON u.id = t.completed_by
     JOIN roles r ON r.id = sc.role_id
     WHERE t.module_id = $1 AND t.end_time IS NOT NULL AND sc.role_id IS NOT NULL`,
    [moduleId],
  );
}

/** Reinvestigation requests against every second completed LOD, spread over the RR statuses. */
async function seedReinvestigations(tx: Queryable, size: DemoSize): Promise<void> {
  const route = ref.rrRoute;
  await tx.query(
    `WITH completed AS (
       SELECT c.*, row_number() OVER (ORDER BY c.id) AS rn FROM cases c WHERE c.work_status_id = $1
     )
     INSERT INTO cases (case_number, module_id, workflow_id, work_status_id, unit_id, member_id, created_by,
                        created_at, updated_at)
     SELECT 'RR-' || c.case_number, $2, $3, 100 + ($4::int[])[1 + (c.rn / 2) % array_length($4::int[], 1)],
            c.unit_id, c.member_id, mpf.id, c.updated_at + interval '1 day', c.updated_at + interval '3 days'
     FROM completed c CROSS JOIN (SELECT id FROM users WHERE username = 'mpf') AS mpf
     WHERE c.rn % 2 = 1`,
    [ws(19), ref.Module.Reinvestigation, ref.Workflow.Reinvestigation, route],
  );
  await tx.query(
    `INSERT INTO reinvestigation_requests (case_id, initial_case_id, reason)
     SELECT rr.id, lod.id, 'New medical evidence submitted by the member'
     FROM cases rr JOIN cases lod ON 'RR-' || lod.case_number = rr.case_number
     WHERE rr.module_id = $1`,
    [ref.Module.Reinvestigation],
  );
  if (size.history) await insertHistory(tx, ref.Module.Reinvestigation, route);
  else {
    await tx.query(
      `INSERT INTO tracking (case_id, module_id, workflow_id, work_status_id, start_time)
       SELECT id, module_id, workflow_id, work_status_id, updated_at FROM cases WHERE module_id = $1`,
      [ref.Module.Reinvestigation],
    );
  }
}
