/**
 * Who may change whose account: the one rule every user and role write applies, over plain facts the
 * service reads in the write's transaction.
 */

/** The System Administrator role (group 1 in ECTSystem): only its holders grant it. */
export const SYSTEM_ADMINISTRATOR_ROLE = 1;

/** The caller of a user or role write. */
export interface UserAdministrator {
  userId: number;
  roleId: number;
  roleName: string;
  /** Roles the caller's role manages (role_managed_by rows whose managed_by_role_id is the caller's role). */
  managedRoleIds: ReadonlySet<number>;
}

/** The account a write changes, as the write found it. */
export interface AdministeredUser {
  userId: number;
  /** The account's unit is the caller's unit or one below it. */
  inCallerUnits: boolean;
  /** The account's current role and every role it holds approved. */
  heldRoleIds: readonly number[];
}

/** What a write would change on the account. */
export interface UserChange {
  /** Roles the write grants, makes current, or whose status or title it changes. */
  roleIds: readonly number[];
  /** The write changes roles, account status or expiry: what decides whether and as whom the account signs in. */
  changesAccess: boolean;
}

/**
 * Why `caller` may not make `change` to `target`, or null when they may. A System Administrator
 * manages every role; anyone else manages what role_managed_by says, and never the System Administrator role.
 */
export function userChangeRefusal(
  caller: UserAdministrator,
  target: AdministeredUser,
  change: UserChange,
): string | null {
  const isSystemAdministrator = caller.roleId === SYSTEM_ADMINISTRATOR_ROLE;
  if (target.userId === caller.userId && change.changesAccess) {
    return "nobody may change their own roles, account status or expiry; ask another administrator";
  }
  if (!isSystemAdministrator && change.roleIds.includes(SYSTEM_ADMINISTRATOR_ROLE)) {
    return "only a System Administrator may grant or change the System Administrator role";
  }
  if (!target.inCallerUnits) return `user ${target.userId} is outside your units`;
  if (isSystemAdministrator) return null;
  const unmanaged = [...new Set([...target.heldRoleIds, ...change.roleIds])]
    .filter((roleId) => !caller.managedRoleIds.has(roleId))
    .sort((a, b) => a - b);
  if (unmanaged.length === 0) return null;
  const which = unmanaged.length === 1 ? `role ${unmanaged[0]}` : `roles ${unmanaged.join(", ")}`;
  const held = unmanaged.some((roleId) => target.heldRoleIds.includes(roleId));
  return `your role (${caller.roleName}) does not manage ${which}${held ? ` held by user ${target.userId}` : ""}`;
}
