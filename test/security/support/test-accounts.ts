import type { Db } from "../../../src/db/db.js";
import { COMPO_AFRC, demoUsers } from "../../../src/seed/reference-data.js";

/** A seeded demo user and the permissions its current role holds, as the database says. */
export interface DemoAccount {
  username: string;
  unitId: number;
  permissions: ReadonlySet<string>;
}

/** The seeded demo users (src/seed/reference-data.ts) with their roles' permissions read from the database. */
export async function demoAccounts(db: Db): Promise<DemoAccount[]> {
  const { rows } = await db.query<{ username: string; unit_id: number; permissions: string[] | null }>(
    `SELECT u.username, u.unit_id,
            array(SELECT p.name FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
                  WHERE rp.role_id = u.current_role_id) AS permissions
     FROM users u WHERE u.username = ANY($1::text[]) AND u.account_status = 'active' ORDER BY u.username`,
    [demoUsers.map(([username]) => username)],
  );
  return rows.map((row) => ({
    username: row.username,
    unitId: row.unit_id,
    permissions: new Set(row.permissions ?? []),
  }));
}

/**
 * The demo user to be refused `permission`: of those whose role lacks it, the one holding the most
 * other permissions (the nearest miss); undefined when every seeded role holds it.
 */
export function nearestMiss(accounts: readonly DemoAccount[], permission: string): DemoAccount | undefined {
  return accounts
    .filter((account) => !account.permissions.has(permission))
    .sort((a, b) => b.permissions.size - a.permissions.size || a.username.localeCompare(b.username))[0];
}

/** Creates a role holding exactly `permissions` (names); returns its id. */
export async function createRole(db: Db, name: string, permissions: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO roles (id, name, abbreviation, compo)
     SELECT coalesce(max(id), 0) + 1, $1, 'TST', $2 FROM roles RETURNING id`,
    [name, COMPO_AFRC],
  );
  const roleId = rows[0].id;
  await db.query(
    `INSERT INTO role_permissions (role_id, permission_id)
     SELECT $1, id FROM permissions WHERE name = ANY($2::text[])`,
    [roleId, permissions],
  );
  return roleId;
}

/** Creates an active account in `unitId` whose current (approved) role is `roleId`; returns its user id. */
export async function createAccount(
  db: Db,
  account: { username: string; unitId: number; roleId: number; lastName?: string },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO users (username, edipin, first_name, last_name, rank, email, work_compo, unit_id, current_role_id)
     SELECT $1, (9000000000 + count(*))::text, 'Probe', $2, 'SSgt', $1 || '@ect.example.mil', $3, $4, $5 FROM users
     RETURNING id`,
    [account.username, account.lastName ?? "Account", COMPO_AFRC, account.unitId, account.roleId],
  );
  const userId = rows[0].id;
  await db.query(
    `INSERT INTO user_roles (user_id, role_id, status, active) VALUES ($1, $2, 'approved', true)`,
    [userId, account.roleId],
  );
  return userId;
}

/** Every permission name the database knows. */
export async function permissionNames(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>("SELECT name FROM permissions ORDER BY id");
  return rows.map((row) => row.name);
}
