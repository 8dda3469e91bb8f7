import { daysBetween, daysSince } from "./investigation/suspense.js";

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
 * The age of a status entered on `since` (YYYY-MM-DD, or the instant, counted by its UTC date), counted to
 * `today`; a final status is never overdue.
 */
export function statusAge(since: string | Date, today: string, open: boolean): StatusAge {
  const days = typeof since === "string" ? daysBetween(since, today) : daysSince(since, today);
  const daysInStatus = Math.max(0, days);
  return { daysInStatus, overdue: open && daysInStatus > OVERDUE_AFTER_DAYS };
}
