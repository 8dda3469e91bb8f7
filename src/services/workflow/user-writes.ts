import type { Queryable } from "../../db/db.js";
import { invalidArgument, notFound, resourceExhausted } from "../../errors.js";
import { KeyRateLimiter } from "../../resilience/key-rate-limiter.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import { accountStatusOf, roleStatusOf } from "./account-status.js";
import type { Handler } from "./handler.js";
import {
  inScope,
  optionalCompo,
  optionalDate,
  optionalId,
  optionalText,
  requiredId,
} from "./request-fields.js";
import { guardedUserWrite } from "./user-write-guard.js";

const userColumns =
  "id, username, work_compo, receive_email, current_role_id, account_status, expiration_date, comment";

async function loadUser(tx: Queryable, userId: number): Promise<Record<string, unknown>> {
  const { rows } = await tx.query(`SELECT ${userColumns} FROM users WHERE id = $1 FOR UPDATE`, [userId]);
  if (rows.length === 0) throw notFound("user", userId);
  return rows[0];
}

async function assertExists(
  tx: Queryable,
  table: "roles" | "compos",
  key: string,
  value: unknown,
  kind: string,
) {
  const { rows } = await tx.query(`SELECT 1 FROM ${table} WHERE ${key} = $1`, [value]);
  if (rows.length === 0) throw notFound(kind, String(value));
}

/** A date-only field ("2026-12-31"), or null when unset. */
function dateOnly(field: string, value: string | undefined): string | null {
  const date = optionalDate(field, value);
  return date === null ? null : date.toISOString().slice(0, 10);
}

/** Completes an account's registration: component, e-mail preference, role, status and expiry; returns the user id. */
export const registerUser: Handler<"registerUser"> = async (db, request, context) => {
  const caller = callerOf(context);
  const userId = requiredId("user_id", request.userId);
  const compo = optionalCompo("work_compo", request.workCompo);
  const roleId = optionalId("group_id", request.groupId);
  const status = accountStatusOf("account_status", request.accountStatus);
  const expiration = dateOnly("expiration_date", request.expirationDate);
  const attempted = { groupId: roleId, accountStatus: status, expirationDate: expiration, workCompo: compo };
  return guardedUserWrite(db, caller, "register", userId, attempted, async (tx, authorize) => {
    const before = await loadUser(tx, userId);
    await authorize({
      roleIds: roleId === null ? [] : [roleId],
      changesAccess: roleId !== null || status !== null || expiration !== null,
    });
    if (compo !== null) await assertExists(tx, "compos", "code", compo, "component");
    if (roleId !== null) await assertExists(tx, "roles", "id", roleId, "role");
    const { rows } = await tx.query(
      `UPDATE users SET work_compo = coalesce($2, work_compo), receive_email = coalesce($3, receive_email),
         current_role_id = coalesce($4, current_role_id), account_status = coalesce($5, account_status),
         expiration_date = coalesce($6::date, expiration_date)
       WHERE id = $1 RETURNING ${userColumns}`,
      [userId, compo, request.receiveEmail ?? null, roleId, status, expiration],
    );
    if (roleId !== null) {
      await tx.query(
        `INSERT INTO user_roles (user_id, role_id, status, active) VALUES ($1, $2, 'approved', true)
         ON CONFLICT (user_id, role_id) DO UPDATE SET active = true`,
        [userId, roleId],
      );
    }
    await recordAudit(tx, {
      entityType: "user",
      entityId: userId,
      action: "register",
      actor: caller.username,
      before,
      after: rows[0],
    });
    return { result: userId };
  });
};

/** Gives a user a role (or changes the status of one the user has); returns the user-role id. */
export const registerUserRole: Handler<"registerUserRole"> = async (db, request, context) => {
  const caller = callerOf(context);
  const userId = requiredId("user_id", request.userId);
  const roleId = requiredId("group_id", request.groupId);
  const status = roleStatusOf("status", request.status);
  const attempted = { groupId: roleId, status };
  return guardedUserWrite(db, caller, "register_user_role", userId, attempted, async (tx, authorize) => {
    await loadUser(tx, userId);
    await authorize({ roleIds: [roleId], changesAccess: true });
    await assertExists(tx, "roles", "id", roleId, "role");
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO user_roles (user_id, role_id, status, active) VALUES ($1, $2, $3, true)
       ON CONFLICT (user_id, role_id) DO UPDATE SET status = EXCLUDED.status RETURNING id`,
      [userId, roleId, status],
    );
    await recordAudit(tx, {
      entityType: "role",
      entityId: rows[0].id,
      action: "register_user_role",
      actor: caller.username,
      after: { userId, roleId, status },
    });
    return { userRoleId: rows[0].id };
  });
};

/** Sets an account's status (and optionally its expiry and comment); returns the rows changed. */
export const updateAccountStatus: Handler<"updateAccountStatus"> = async (db, request, context) => {
  const caller = callerOf(context);
  const userId = requiredId("user_id", request.userId);
  const status = accountStatusOf("account_status", request.accountStatus);
  if (status === null)
    throw invalidArgument(
      "account_status",
      "required: 1 pending, 2 active, 3 inactive, 4 disabled or 5 expired",
    );
  const expiration = dateOnly("expiration_date", request.expirationDate);
  const comment = optionalText("comment", request.comment, 1000);
  const attempted = { accountStatus: status, expirationDate: expiration };
  return guardedUserWrite(db, caller, "update_account_status", userId, attempted, async (tx, authorize) => {
    const before = await loadUser(tx, userId);
    await authorize({ roleIds: [], changesAccess: true });
    const updated = await tx.query(
      `UPDATE users SET account_status = $2, expiration_date = coalesce($3::date, expiration_date),
         comment = coalesce($4, comment) WHERE id = $1 RETURNING ${userColumns}`,
      [userId, status, expiration, comment],
    );
    await recordAudit(tx, {
      entityType: "user",
      entityId: userId,
      action: "update_account_status",
      actor: caller.username,
      before,
      after: updated.rows[0],
    });
    return { result: updated.rowCount };
  });
};

/** The role a user-role id of the user stands for; it must agree with group_id when both are given. */
async function heldRole(tx: Queryable, userId: number, userRoleId: number, groupId: number | null) {
  const held = await tx.query<{ role_id: number }>(
    "SELECT role_id FROM user_roles WHERE id = $1 AND user_id = $2",
    [userRoleId, userId],
  );
  if (held.rows.length === 0) throw notFound("user role", userRoleId);
  const roleId = held.rows[0].role_id;
  if (groupId !== null && groupId !== roleId) {
    throw invalidArgument("role_id", `user role ${userRoleId} is role ${roleId}, not group_id ${groupId}`);
  }
  return roleId;
}

/**
 * Changes what a manager controls of an account: component, current role (role_id = one of the user's
 * user-role ids, or group_id = a role, granted if missing), comment, e-mail preference and expiry.
 */
export const updateManagedSettings: Handler<"updateManagedSettings"> = async (db, request, context) => {
  const caller = callerOf(context);
  const userId = requiredId("user_id", request.userId);
  const compo = optionalCompo("compo", request.compo);
  const userRoleId = optionalId("role_id", request.roleId);
  const groupId = optionalId("group_id", request.groupId);
  const comment = optionalText("comment", request.comment, 1000);
  const expiration = dateOnly("expiration_date", request.expirationDate);
  const attempted = { roleId: userRoleId, groupId, expirationDate: expiration, compo };
  return guardedUserWrite(db, caller, "update_managed_settings", userId, attempted, async (tx, authorize) => {
    const before = await loadUser(tx, userId);
    const roleId = userRoleId === null ? groupId : await heldRole(tx, userId, userRoleId, groupId);
    await authorize({
      roleIds: roleId === null ? [] : [roleId],
      changesAccess: roleId !== null || expiration !== null,
    });
    if (compo !== null) await assertExists(tx, "compos", "code", compo, "component");
    if (userRoleId === null && groupId !== null) {
      await assertExists(tx, "roles", "id", groupId, "role");
      await tx.query(
        `INSERT INTO user_roles (user_id, role_id, status, active) VALUES ($1, $2, 'approved', true)
         ON CONFLICT (user_id, role_id) DO NOTHING`,
        [userId, groupId],
      );
    }
    const updated = await tx.query(
      `UPDATE users SET work_compo = coalesce($2, work_compo), current_role_id = coalesce($3, current_role_id),
         comment = coalesce($4, comment), receive_email = coalesce($5, receive_email),
         expiration_date = coalesce($6::date, expiration_date)
       WHERE id = $1 RETURNING ${userColumns}`,
      [userId, compo, roleId, comment, request.receiveEmail ?? null, expiration],
    );
    await recordAudit(tx, {
      entityType: "user",
      entityId: userId,
      action: "update_managed_settings",
      actor: caller.username,
      before,
      after: updated.rows[0],
    });
    return { result: updated.rowCount };
  });
};

/** Sets (or, with an empty title, removes) the title a user signs with as a role; returns the rows changed. */
export const updateUserAltTitle: Handler<"updateUserAltTitle"> = async (db, request, context) => {
  const caller = callerOf(context);
  const userId = requiredId("user_id", request.userId);
  const roleId = requiredId("group_id", request.groupId);
  const title = optionalText("new_title", request.newTitle, 200);
  const action = title === null ? "remove_alt_title" : "update_alt_title";
  const attempted = { groupId: roleId, title };
  return guardedUserWrite(db, caller, action, userId, attempted, async (tx, authorize) => {
    await loadUser(tx, userId);
    await authorize({ roleIds: [roleId], changesAccess: false });
    await assertExists(tx, "roles", "id", roleId, "role");
    const before = await tx.query("SELECT title FROM user_alt_titles WHERE user_id = $1 AND role_id = $2", [
      userId,
      roleId,
    ]);
    const changed =
      title === null
        ? await tx.query("DELETE FROM user_alt_titles WHERE user_id = $1 AND role_id = $2", [userId, roleId])
        : await tx.query(
            `INSERT INTO user_alt_titles (user_id, role_id, title) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, role_id) DO UPDATE SET title = EXCLUDED.title`,
            [userId, roleId, title],
          );
    await recordAudit(tx, {
      entityType: "user",
      entityId: userId,
      action,
      actor: caller.username,
      before: before.rows[0] ?? null,
      after: { roleId, title },
    });
    return { result: changed.rowCount };
  });
};

/** How many member lookups by full SSN each caller may make a minute (the burst is the same). */
export const MEMBER_LOOKUPS_PER_MINUTE = 10;

/**
 * GetMembersUserId, throttled per caller by `limiter`: the account of a member of the caller's units,
 * matched by SSN, then by name; 0 when the member has no account. Every lookup is audited with the
 * SSN masked, found or not.
 */
export function membersUserIdLookup(limiter: KeyRateLimiter): Handler<"getMembersUserId"> {
  return async (db, request, context) => {
    const caller = callerOf(context);
    const ssn = (request.memberSsn ?? "").replace(/-/g, "").trim();
    if (!/^\d{9}$/.test(ssn)) throw invalidArgument("member_ssn", "required: 9 digits");
    const waitMs = limiter.tryTake(String(caller.userId));
    if (waitMs > 0) {
      throw resourceExhausted(
        `member_ssn: at most ${MEMBER_LOOKUPS_PER_MINUTE} member lookups by SSN a minute`,
        waitMs,
      );
    }
    const { rows } = await db.query<{ member_id: number; user_id: number | null }>(
      `SELECT m.id AS member_id, coalesce(
         (SELECT min(u.id) FROM users u WHERE u.ssn = m.ssn),
         (SELECT min(u.id) FROM users u WHERE lower(u.last_name) = lower(m.last_name) AND lower(u.first_name) = lower(m.first_name))
       ) AS user_id
       FROM members m WHERE m.ssn = $1 AND ${inScope("m.unit_id", "$2")}`,
      [ssn, caller.unitId],
      { signal: context.signal },
    );
    const masked = `***-**-${ssn.slice(-4)}`;
    const found = rows[0];
    await recordAudit(db, {
      entityType: "user",
      entityId: caller.userId,
      action: "member_user_lookup",
      actor: caller.username,
      after: { memberSsn: masked, found: found !== undefined, userId: found?.user_id ?? null },
    });
    if (!found) throw notFound("member with SSN", masked);
    return { userId: found.user_id ?? 0 };
  };
}

/** GetMembersUserId with one throttle for the whole process, keyed by the caller's user id. */
export const getMembersUserId = membersUserIdLookup(
  new KeyRateLimiter({
    requestsPerSecond: MEMBER_LOOKUPS_PER_MINUTE / 60,
    burst: MEMBER_LOOKUPS_PER_MINUTE,
    maxKeys: 10_000,
  }),
);
