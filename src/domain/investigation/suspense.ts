import { invalidArgument } from "../../errors.js";
import { DAY_MS, utcDayStart } from "./calendar-clock.js";

/**
 * Suspense arithmetic on calendar dates (YYYY-MM-DD, UTC), with `today` given by the caller's clock: the
 * default suspense of an appointment, the days left to it and whether it is overdue, and the checks a new or
 * extended suspense must pass.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The last date dayOf read and its answer: a page of cases counts every row's age to the same `today`, and
 * parsing it once per row was 4 % of a StreamCases server's CPU (profiled).
 */
let lastDate = "";
let lastDay: number | undefined;

/** The UTC midnight of a YYYY-MM-DD date, or undefined when it is not a real date. */
function dayOf(date: string): number | undefined {
  if (date === lastDate) return lastDay;
  const match = DATE.exec(date);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  lastDay = match && new Date(time).toISOString().slice(0, 10) === date ? time : undefined;
  lastDate = date;
  return lastDay;
}

/** Calendar days (UTC) from the day of `instant` to `to` (YYYY-MM-DD); negative when `to` is earlier. */
export function daysSince(instant: Date, to: string): number {
  const end = dayOf(to);
  if (end === undefined) throw new Error(`not a date: ${to}`);
  return Math.round((end - utcDayStart(instant.getTime())) / DAY_MS);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const day = dayOf(date);
  if (day === undefined) throw new Error(`not a date: ${date}`);
  return new Date(day + days * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const start = dayOf(from);
  const end = dayOf(to);
  if (start === undefined || end === undefined) throw new Error(`not a date: ${from} or ${to}`);
  return Math.round((end - start) / DAY_MS);
}

/** Where an investigation stands against its suspense today. */
export interface SuspenseState {
  /** Days left to the suspense date; 0 on the day, negative once past. */
  daysToSuspense: number;
  /** Past the suspense while the investigating officer still holds the case (the report is not in yet). */
  overdue: boolean;
}

/** The suspense state of an investigation today; `ioHolds` while the case waits at the IO's status. */
export function suspenseState(suspenseDate: string, today: string, ioHolds: boolean): SuspenseState {
  const daysToSuspense = daysBetween(today, suspenseDate);
  return { daysToSuspense, overdue: ioHolds && daysToSuspense < 0 };
}

/**
 * The suspense of a new appointment: `requested` when given (a real date after today; INVALID_ARGUMENT naming
 * suspense_date otherwise), else today plus the configured days (ECT_IO_SUSPENSE_DAYS).
 */
export function appointmentSuspense(requested: string, today: string, defaultDays: number): string {
  if (requested === "") return addDays(today, defaultDays);
  if (dayOf(requested) === undefined)
    throw invalidArgument("suspense_date", `must be a date as YYYY-MM-DD, got "${requested}"`);
  if (requested <= today) throw invalidArgument("suspense_date", `must be after today (${today})`);
  return requested;
}

/** Checks an extension: a real date later than the current suspense (INVALID_ARGUMENT naming suspense_date). */
export function extendedSuspense(requested: string, current: string): string {
  if (requested === "") throw invalidArgument("suspense_date", "required");
  if (dayOf(requested) === undefined)
    throw invalidArgument("suspense_date", `must be a date as YYYY-MM-DD, got "${requested}"`);
  if (requested <= current)
    throw invalidArgument("suspense_date", `must be later than the current suspense (${current})`);
  return requested;
}
