import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { remoteAddressKey } from "../../auth/caller-context.js";
import { failedPrecondition, invalidArgument, notFound } from "../../errors.js";
import { recordAudit } from "../audit.js";
import { callerOf, callTokenOf } from "../call-caller.js";
import { actingUser } from "./acting-user.js";
import type { Handler } from "./handler.js";
import { iso, optionalText } from "./request-fields.js";

/** Sessions idle longer than this are purged, with their users' locks, on every login update. */
export const SESSION_IDLE_LIMIT = "30 minutes";

/**
 * Validates or creates the user's session: purges sessions idle over 30 minutes (and the locks of users
 * left without a session), refreshes the given session or opens a new one with a random id, and drops
 * every other session of the same EDIPIN. The session records the caller's socket address as the transport
 * saw it; the request's `remote_addr` is the client's claim, checked for form and otherwise ignored.
 */
export const updateLogin: Handler<"updateLogin"> = async (db, request, context) => {
  const caller = callerOf(context);
  const sessionId = optionalText("session_id", request.sessionId, 128);
  if (sessionId !== null && !/^[A-Za-z0-9._:-]+$/.test(sessionId)) {
    throw invalidArgument("session_id", "1–128 characters of A-Z a-z 0-9 . _ : -");
  }
  // The legacy client states its address; it is still validated as input, but never stored.
  const claimedAddress = optionalText("remote_addr", request.remoteAddr, 64);
  if (claimedAddress && isIP(claimedAddress) === 0)
    throw invalidArgument("remote_addr", "must be an IPv4 or IPv6 address");
  const remoteAddress = context.values.get(remoteAddressKey);
  const userId = await actingUser(db, context, "update_login", "user_id", request.userId);

  return db.transaction(async (tx) => {
    const user = await tx.query<{ edipin: string; account_status: string; current_role_id: number | null }>(
      "SELECT edipin, account_status, current_role_id FROM users WHERE id = $1 FOR UPDATE",
      [userId],
    );
    if (user.rows.length === 0) throw notFound("user", userId);
    const { edipin, account_status: status, current_role_id: roleId } = user.rows[0];
    if (status !== "active")
      throw failedPrecondition(`user ${userId} cannot sign in: the account is ${status}`);

    const idle = await tx.query<{ user_id: number }>(
      `DELETE FROM sessions WHERE last_access < now() - interval '${SESSION_IDLE_LIMIT}' RETURNING user_id`,
    );
    const idleUsers = [...new Set(idle.rows.map((row) => row.user_id))];
    const releasedLocks = idleUsers.length
      ? await tx.query(
          `DELETE FROM case_locks l WHERE l.user_id = ANY($1::int[])
             AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = l.user_id)`,
          [idleUsers],
        )
      : { rowCount: 0 };

    const refreshed = sessionId
      ? await tx.query<{ id: string; login_time: string }>(
          `UPDATE sessions SET last_access = now(), remote_address = $3, role_id = $4
           WHERE id = $1 AND user_id = $2 RETURNING id, ${iso("login_time")} AS login_time`,
          [sessionId, userId, remoteAddress, roleId],
        )
      : { rows: [] };
    const session =
      refreshed.rows[0] ??
      (
        await tx.query<{ id: string; login_time: string }>(
          `INSERT INTO sessions (id, user_id, role_id, remote_address) VALUES ($1, $2, $3, $4)
           RETURNING id, ${iso("login_time")} AS login_time`,
          [randomBytes(24).toString("base64url"), userId, roleId, remoteAddress],
        )
      ).rows[0];
    const duplicates = await tx.query(
      "DELETE FROM sessions s USING users u WHERE u.id = s.user_id AND u.edipin = $1 AND s.id <> $2",
      [edipin, session.id],
    );
    await recordAudit(tx, {
      entityType: "session",
      entityId: userId,
      action: refreshed.rows.length ? "session_refresh" : "login",
      actor: caller.username,
      after: {
        remoteAddress,
        idleSessionsPurged: idle.rowCount,
        locksReleased: releasedLocks.rowCount,
        duplicateSessionsDropped: duplicates.rowCount,
      },
    });
    return { items: [{ userId, sessionId: session.id, loginTime: session.login_time }] };
  });
};

/**
 * Ends the user's sessions and releases every case lock the user holds; the result is the sessions ended.
 * Logging out oneself also revokes the bearer token of the call (a user administrator ending someone
 * else's sessions keeps their own).
 */
export const logout: Handler<"logout"> = async (db, request, context) => {
  const caller = callerOf(context);
  const userId = await actingUser(db, context, "logout", "user_id", request.userId);
  const token = userId === caller.userId ? callTokenOf(context) : undefined;
  return db.transaction(async (tx) => {
    const user = await tx.query("SELECT 1 FROM users WHERE id = $1", [userId]);
    if (user.rows.length === 0) throw notFound("user", userId);
    const locks = await tx.query("DELETE FROM case_locks WHERE user_id = $1", [userId]);
    const sessions = await tx.query("DELETE FROM sessions WHERE user_id = $1", [userId]);
    await token?.revoke(tx);
    await recordAudit(tx, {
      entityType: "session",
      entityId: userId,
      action: "logout",
      actor: caller.username,
      after: { sessionsEnded: sessions.rowCount, locksReleased: locks.rowCount, tokenRevoked: !!token },
    });
    return { result: sessions.rowCount };
  });
};
