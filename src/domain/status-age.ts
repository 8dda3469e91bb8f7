import { daysSince } from "./investigation/suspense.js";

/** Days an open case may sit in one status before it is overdue: the legacy form348_sp_emailOverDue rule. */
export const OVERDUE_AFTER_DAYS = 10;

/** How long a case has been in its current status. */
export interface StatusAge {
  /** Calendar days since the case entered the status; 0 on the day it arrived. */
  daysInStatus: number;
  /** An open case that has sat more than OVERDUE_AFTER_DAYS days in the status. */
  overdue: boolean;
}

/**
 * The age of a status entered at `since` (counted by its UTC date) on `today` (YYYY-MM-DD); a final status is
 * never overdue.
 */
export function statusAge(since: Date, today: string, open: boolean): StatusAge {
  const daysInStatus = Math.max(0, daysSince(since, today));
  return { daysInStatus, overdue: open && daysInStatus > OVERDUE_AFTER_DAYS };
}
