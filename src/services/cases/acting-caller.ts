import type { Caller } from "../../auth/caller-context.js";
import { INVESTIGATING_OFFICER_ROLE_ID } from "../../domain/investigation/investigation-sections.js";

/** The role id of a caller who holds no case in this role (no seeded role has it). */
const HOLDS_NOTHING = 0;

/**
 * The caller as they act on one case. The investigating officer appointed to a formal case acts in the
 * Investigating Officer role while the case waits at that role's status, whatever their own role. Anyone else
 * whose own role is Investigating Officer (officers kept available for appointments) holds no case in it: the
 * role comes with an appointment, for that case only. Everyone else acts in their own role.
 */
export function actingCaller(
  caller: Caller,
  row: { holder_role_id: number | null; io_user_id: number | null },
): Caller {
  const appointed = row.io_user_id === caller.userId && row.holder_role_id === INVESTIGATING_OFFICER_ROLE_ID;
  if (appointed)
    return { ...caller, roleId: INVESTIGATING_OFFICER_ROLE_ID, roleName: "Investigating Officer" };
  if (caller.roleId === INVESTIGATING_OFFICER_ROLE_ID) return { ...caller, roleId: HOLDS_NOTHING };
  return caller;
}
