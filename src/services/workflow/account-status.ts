import { invalidArgument } from "../../errors.js";

/** The contract's integer account statuses, by the text ECT stores (users.account_status). */
const statuses = ["pending", "active", "inactive", "disabled", "expired"] as const;

/** An account status as ECT stores it. */
export type AccountStatus = (typeof statuses)[number];

/** The contract's number of an account status: 1 pending, 2 active, 3 inactive, 4 disabled, 5 expired. */
export function accountStatusNumber(status: string): number {
  return statuses.indexOf(status as AccountStatus) + 1;
}

/** The stored account status of a contract number; unset or 0 is null, out of range INVALID_ARGUMENT. */
export function accountStatusOf(field: string, value: number | undefined): AccountStatus | null {
  if (value === undefined || value === 0) return null;
  const status = statuses[value - 1];
  if (!status)
    throw invalidArgument(field, "must be 1 pending, 2 active, 3 inactive, 4 disabled or 5 expired");
  return status;
}

/** The contract's numbers of a user-role status: 1 pending, 2 approved, 3 denied. */
const roleStatuses = ["pending", "approved", "denied"] as const;

/** The stored user-role status of a contract number; unset or 0 means approved. */
export function roleStatusOf(field: string, value: number | undefined): (typeof roleStatuses)[number] {
  if (value === undefined || value === 0) return "approved";
  const status = roleStatuses[value - 1];
  if (!status) throw invalidArgument(field, "must be 1 pending, 2 approved or 3 denied");
  return status;
}
