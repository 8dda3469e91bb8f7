import { invalidArgument } from "../../errors.js";
import { addDays, daysBetween } from "../investigation/suspense.js";
import { OVERDUE_AFTER_DAYS } from "../status-age.js";

/** The longest range a report covers, so a typo in a year cannot scan a century. */
const MAX_RANGE_DAYS = 366 * 20;

/** A report's filter, validated: a half-open UTC date range [from, before) and an optional unit. */
export interface ReportBounds {
  /** First day covered (YYYY-MM-DD), or null for no lower bound. */
  from: string | null;
  /** The day after the last day covered, or null for no upper bound. */
  before: string | null;
  /** Only this unit and the units below it; 0 for every unit of the caller's. */
  unitId: number;
}

/** The filter fields as the request carries them. */
export interface ReportFilterInput {
  fromDate: string;
  toDate: string;
  unitId: number;
}

/**
 * Validates a report filter (INVALID_ARGUMENT naming the field): dates YYYY-MM-DD, both inclusive, either
 * empty; `to` not before `from`; a unit id that is 0 or positive.
 */
export function reportBounds(filter: ReportFilterInput | undefined): ReportBounds {
  const from = filter?.fromDate ? calendarDate("filter.from_date", filter.fromDate) : null;
  const to = filter?.toDate ? calendarDate("filter.to_date", filter.toDate) : null;
  if (from && to && daysBetween(from, to) < 0)
    throw invalidArgument("filter.to_date", `must not be before filter.from_date (${from})`);
  if (from && to && daysBetween(from, to) > MAX_RANGE_DAYS)
    throw invalidArgument("filter.to_date", `the range may span at most ${MAX_RANGE_DAYS} days`);
  const unitId = filter?.unitId ?? 0;
  if (!Number.isInteger(unitId) || unitId < 0)
    throw invalidArgument("filter.unit_id", "must be a positive unit id, or 0 for all");
  return { from, before: to ? addDays(to, 1) : null, unitId };
}

/**
 * The suspense report lists cases more than this many days at their status: 0 means the legacy overdue rule
 * (OVERDUE_AFTER_DAYS, the overdue badge of a case), otherwise 1–3650.
 */
export function daysAtStatus(value: number): number {
  if (value === 0) return OVERDUE_AFTER_DAYS;
  if (!Number.isInteger(value) || value < 1 || value > 3650)
    throw invalidArgument("days_at_status", "must be 1–3650, or 0 for the default 10");
  return value;
}

function calendarDate(field: string, value: string): string {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(value) && safeDays(value);
  if (!valid) throw invalidArgument(field, `must be a date YYYY-MM-DD, got "${value}"`);
  return value;
}

function safeDays(value: string): boolean {
  try {
    daysBetween(value, value);
    return true;
  } catch {
    return false;
  }
}
