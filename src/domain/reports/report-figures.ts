/** Figures the reports derive from counted rows: shares and rates, and days rounded for reading. */

/** `part / whole` as a share 0–1, rounded to 4 places; 0 when there is nothing to divide. */
export function share(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.round((part / whole) * 10_000) / 10_000;
}

/** A number of days (fractional, from an interval) rounded to one decimal; 0 for a missing value. */
export function roundDays(days: number | string | null | undefined): number {
  if (days === null || days === undefined) return 0;
  const value = Number(days);
  if (!Number.isFinite(value)) return 0;
  return Math.round(value * 10) / 10;
}

/** The target a path is measured against (config.reports). */
export interface TargetDays {
  informalTargetDays: number;
  formalTargetDays: number;
}

/** The target days of the informal or the formal path. */
export function targetDaysOf(formal: boolean, targets: TargetDays): number {
  return formal ? targets.formalTargetDays : targets.informalTargetDays;
}
