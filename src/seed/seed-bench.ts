import type { Db } from "../db/db.js";
import * as ref from "./reference-data.js";

/** Extra volume for benchmarks, on top of the demo data. */
export interface BenchSize {
  cases: number;
  users: number;
  online: number;
}

/**
 * Adds benchmark volume with set-based SQL (generate_series), not row-by-row inserts: N LOD cases spread
 * over every status with their current tracking row, N users and M open sessions.
 */
export async function seedBenchmarkData(db: Db, size: BenchSize): Promise<void> {
  const batch = 100_000;
  for (let start = 1; start <= size.cases; start += batch) {
    const end = Math.min(size.cases, start + batch - 1);
    await db.transaction(async (tx) => {
      await tx.query(
        `WITH series AS (
           SELECT g, nextval(pg_get_serial_sequence('cases', 'id'))::int AS id FROM generate_series($1::int, $2::int) AS g
         ), inserted AS (
           INSERT INTO cases (id, case_number, module_id, workflow_id, work_status_id, unit_id, member_id, created_by,
                              created_at, updated_at)
           SELECT s.id, 'B' || lpad(s.id::text, 9, '0'), $3, $4, 100 + ($5::int[])[1 + s.g % array_length($5::int[], 1)],
                  m.unit_id, m.id, creator.id, now() - (s.g % 365) * interval '1 day', now() - (s.g % 30) * interval '1 day'
           FROM series s
           JOIN members m ON m.id = 1 + (s.g::bigint * 7919) % (SELECT count(*) FROM members)
           CROSS JOIN (SELECT id FROM users WHERE username = 'medtech') AS creator
           RETURNING id, module_id, workflow_id, work_status_id, updated_at
         ), details AS (
           INSERT INTO lod_details (case_id, incident_description)
           SELECT id, 'Benchmark case ' || id FROM inserted
         )
         INSERT INTO tracking (case_id, module_id, workflow_id, work_status_id, start_time, end_time)
         SELECT i.id, i.module_id, i.workflow_id, i.work_status_id, i.updated_at,
                CASE WHEN sc.is_final THEN i.updated_at END
         FROM inserted i JOIN work_statuses ws ON ws.id = i.work_status_id
         JOIN status_codes sc ON sc.id = ws.status_code_id`,
        [start, end, ref.Module.Lod, ref.Workflow.Lod, ref.lodRoute],
      );
    });
  }
  if (size.users > 0) {
    const roleIds = ref.roles.map(([id]) => id).filter((id) => id !== ref.Role.SystemAdmin);
    const unitIds = ref.units.map(([id]) => id);
    await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM users WHERE username LIKE 'bench%'",
      );
      const from = rows[0].n + 1;
      await tx.query(
        `INSERT INTO users (username, edipin, first_name, last_name, rank, work_compo, unit_id, current_role_id)
         SELECT 'bench' || lpad(g::text, 7, '0'), (3000000000 + g)::text, 'Bench', 'User ' || g, 'SrA', '${ref.COMPO_AFRC}',
                ($3::int[])[1 + g % array_length($3::int[], 1)], ($4::int[])[1 + g % array_length($4::int[], 1)]
         FROM generate_series($1::int, $2::int) AS g`,
        [from, from + size.users - 1, unitIds, roleIds],
      );
      await tx.query(
        `INSERT INTO user_roles (user_id, role_id) SELECT id, current_role_id FROM users WHERE username LIKE 'bench%'
         ON CONFLICT (user_id, role_id) DO NOTHING`,
      );
      await tx.query(
        `INSERT INTO sessions (id, user_id, role_id, remote_address)
         SELECT md5('bench-session-' || u.id), u.id, u.current_role_id, '10.99.' || (u.id % 250) || '.' || (u.id % 200)
         FROM users u WHERE u.username LIKE 'bench%' ORDER BY u.id LIMIT $1
         ON CONFLICT (id) DO NOTHING`,
        [size.online],
      );
    });
  }
  await db.exec("ANALYZE");
}
