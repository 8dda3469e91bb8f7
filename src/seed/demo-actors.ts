import type { Queryable } from "../db/db.js";

/** A named demo user who acts for a role on the seeded cases: writes its part, signs, moves the case on. */
export interface DemoActor {
  id: number;
  roleId: number;
  /** Signed as: rank and name, and the title, as recordSignature (services/cases) records them. */
  nameAndRank: string;
  title: string;
  /** The units the actor's unit contains (itself included), each with its depth below it. */
  covers: ReadonlyMap<number, number>;
}

/** The named demo users (not the generated `user…` accounts) with their signing name and title. */
export async function loadDemoActors(tx: Queryable): Promise<DemoActor[]> {
  const { rows } = await tx.query<{
    id: number;
    role_id: number;
    name_and_rank: string;
    title: string;
    covers: { unit: number; depth: number }[] | null;
  }>(
    `SELECT u.id, u.current_role_id AS role_id,
            trim(u.rank || ' ' || u.first_name || ' ' || u.last_name) AS name_and_rank,
            coalesce(t.title, r.sign_title) AS title,
            (SELECT json_agg(json_build_object('unit', ut.descendant_id, 'depth', ut.depth))
             FROM unit_tree ut WHERE ut.ancestor_id = u.unit_id) AS covers
     FROM users u JOIN roles r ON r.id = u.current_role_id
     LEFT JOIN user_alt_titles t ON t.user_id = u.id AND t.role_id = r.id
     WHERE u.username NOT LIKE 'user%' ORDER BY u.id`,
  );
  return rows.map((row) => ({
    id: row.id,
    roleId: row.role_id,
    nameAndRank: row.name_and_rank,
    title: row.title,
    covers: new Map((row.covers ?? []).map((entry) => [entry.unit, entry.depth])),
  }));
}

/**
 * Who acts for a role on a case of a unit: the role's demo user closest above the unit (the 445th's own
 * technician for a 445th case), else the role's first demo user.
 */
export function demoActorFor(actors: readonly DemoActor[], roleId: number, unitId: number): DemoActor {
  const candidates = actors.filter((actor) => actor.roleId === roleId);
  const covering = candidates
    .filter((actor) => actor.covers.has(unitId))
    .sort((a, b) => (a.covers.get(unitId) ?? 0) - (b.covers.get(unitId) ?? 0));
  const actor = covering[0] ?? candidates[0];
  if (!actor) throw new Error(`no demo user holds role ${roleId}`);
  return actor;
}
