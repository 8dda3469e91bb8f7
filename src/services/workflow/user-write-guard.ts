import type { Caller } from "../../auth/caller-context.js";
import type { Db, Queryable } from "../../db/db.js";
import { type UserChange, userChangeRefusal } from "../../domain/user-administration.js";
import { permissionDenied } from "../../errors.js";
import { recordAudit } from "../audit.js";
import { inScope } from "./request-fields.js";

/** Checks, inside a user write's transaction, that the caller may make `change` to the account. */
export type AuthorizeUserChange = (change: UserChange) => Promise<void>;

/** What the refused write asked for, kept in the refusal's audit row. */
export type AttemptedChange = Record<string, unknown>;

/**
 * Runs a user or role write in one transaction. The write calls `authorize` before it changes
 * anything; a refusal rolls the transaction back, is audited as `<action>_denied` (who, what was
 * attempted, why) and answers PERMISSION_DENIED.
 */
export async function guardedUserWrite<T>(
  db: Db,
  caller: Caller,
  action: string,
  userId: number,
  attempted: AttemptedChange,
  write: (tx: Queryable, authorize: AuthorizeUserChange) => Promise<T>,
): Promise<T> {
  const refused: { reason?: string } = {};
  try {
    return await db.transaction((tx) =>
      write(tx, async (change) => {
        const reason = await refusalOf(tx, caller, userId, change);
        if (reason === null) return;
        refused.reason = reason;
        throw permissionDenied(reason);
      }),
    );
  } catch (error) {
    // The refusal's audit row goes in after the rollback, so it is the only thing the attempt leaves.
    const { reason } = refused;
    if (reason !== undefined) {
      await recordAudit(db, {
        entityType: "user",
        entityId: userId,
        action: `${action}_denied`,
        actor: caller.username,
        after: { attempted: { action, ...attempted }, reason },
      });
    }
    throw error;
  }
}

/** Reads the facts of the rule (the account's units and roles, the roles the caller's role manages) and applies it. */
async function refusalOf(
  tx: Queryable,
  caller: Caller,
  userId: number,
  change: UserChange,
): Promise<string | null> {
  const { rows } = await tx.query<{ in_units: boolean; held: number[]; managed: number[] }>(
    `SELECT ${inScope("u.unit_id", "$2")} AS in_units,
            array(SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id AND ur.status = 'approved'
                  UNION SELECT u.current_role_id WHERE u.current_role_id IS NOT NULL) AS held,
            array(SELECT m.role_id FROM role_managed_by m WHERE m.managed_by_role_id = $3::int) AS managed
     FROM users u WHERE u.id = $1`,
    [userId, caller.unitId, caller.roleId],
  );
  const facts = rows[0] ?? { in_units: false, held: [], managed: [] };
  return userChangeRefusal(
    {
      userId: caller.userId,
      roleId: caller.roleId,
      roleName: caller.roleName,
      managedRoleIds: new Set(facts.managed),
    },
    { userId, inCallerUnits: facts.in_units, heldRoleIds: facts.held },
    change,
  );
}
