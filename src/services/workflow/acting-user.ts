import type { HandlerContext } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import type { UserChange } from "../../domain/user-administration.js";
import { notFound, permissionDenied } from "../../errors.js";
import { callerOf } from "../call-caller.js";
import { optionalId } from "./request-fields.js";
import { guardedUserWrite } from "./user-write-guard.js";

/** Acting for a user changes none of their roles or access: only the rule's unit and role checks apply. */
const ACTING_FOR: UserChange = { roleIds: [], changesAccess: false };

/**
 * The user a request acts for: `field` when set, else the caller. Acting for someone else takes a user
 * administrator whose units hold that user and whose role manages every role the user holds (a System
 * Administrator manages all): the rule of every user write (domain/user-administration). A refusal is
 * PERMISSION_DENIED and audited as `<action>_denied`; an unknown user is NOT_FOUND.
 */
export async function actingUser(
  db: Db,
  context: HandlerContext,
  action: string,
  field: string,
  value: number | undefined,
): Promise<number> {
  const caller = callerOf(context);
  const userId = actingUserId(context, field, value);
  if (userId === caller.userId) return userId;
  // The guard's transaction only reads here; it is the one place that applies the rule and audits a refusal.
  await guardedUserWrite(db, caller, action, userId, { actingFor: userId }, async (tx, authorize) => {
    const { rows } = await tx.query("SELECT 1 FROM users WHERE id = $1", [userId]);
    if (rows.length === 0) throw notFound("user", userId);
    await authorize(ACTING_FOR);
  });
  return userId;
}

/** The user id the request names (the caller when unset); only a user administrator names someone else. */
function actingUserId(context: HandlerContext, field: string, value: number | undefined): number {
  const caller = callerOf(context);
  const userId = optionalId(field, value) ?? caller.userId;
  if (userId !== caller.userId && !caller.permissions.has("userAdmin")) {
    throw permissionDenied(`${field}: only a user administrator may act for another user`);
  }
  return userId;
}
