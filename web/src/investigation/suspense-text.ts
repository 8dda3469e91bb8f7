/** What the case and the investigation say about a suspense (Case and Investigation carry the same three). */
export interface Suspense {
  /** "YYYY-MM-DD"; empty on an informal case. */
  suspenseDate: string;
  /** Days left to it, negative once past. */
  daysToSuspense: number;
  /** Past while the IO still holds the case. */
  suspenseOverdue: boolean;
}

const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;

/**
 * A suspense in words (`closed`: the case is completed or cancelled), overdue said in words and with a warning sign (not by colour alone): "Overdue by 3 days
 * (suspense 2026-11-24)", "Due today (2026-11-27)", "12 days left (suspense 2026-12-09)"; "" without one.
 */
export function suspenseText(suspense: Suspense, closed = false): string {
  const { suspenseDate, daysToSuspense } = suspense;
  if (!suspenseDate) return "";
  // A completed or cancelled case counts no days.
  if (closed) return `Suspense ${suspenseDate} (case closed)`;
  if (suspense.suspenseOverdue)
    return `⚠ Overdue by ${days(Math.abs(daysToSuspense))} (suspense ${suspenseDate})`;
  if (daysToSuspense < 0) return `Suspense ${suspenseDate} (passed)`;
  if (daysToSuspense === 0) return `Due today (suspense ${suspenseDate})`;
  return `${days(daysToSuspense)} left (suspense ${suspenseDate})`;
}
