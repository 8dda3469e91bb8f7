import { daysBetween } from "../investigation/suspense.js";

/** A reminder rule's timing, as the reminder_rules row holds it (days counted from the rule's anchor). */
export interface ReminderTiming {
  /** First reminder on this day from the anchor (negative: before a suspense date). */
  remindAfterDays: number;
  /** Days between reminders after the first; 0 reminds once. */
  repeatEveryDays: number;
  /** From this day on the reminder also escalates to the next level; null never escalates. */
  escalateAfterDays: number | null;
}

/** What the scheduler does today for one case under one rule. */
export interface ReminderDecision {
  remind: boolean;
  escalate: boolean;
  /** Days from the anchor to today (days in status, or days past the suspense). */
  day: number;
}

/**
 * Whether a case is reminded today under a rule: on the first day at or after remindAfterDays, then every
 * repeatEveryDays after the last reminder (counted from the last one actually sent, so a day the scheduler
 * missed is caught up once, not once per missed day). `lastReminded` is the day of the last reminder for the
 * case under this rule since the anchor, or null. Escalation rides on a reminder day from escalateAfterDays on.
 */
export function reminderDue(
  timing: ReminderTiming,
  anchor: string,
  today: string,
  lastReminded: string | null,
): ReminderDecision {
  const day = daysBetween(anchor, today);
  const quiet = { remind: false, escalate: false, day };
  if (day < timing.remindAfterDays) return quiet;
  if (lastReminded !== null) {
    const since = daysBetween(lastReminded, today);
    if (timing.repeatEveryDays === 0 || since < timing.repeatEveryDays) return quiet;
  }
  return {
    remind: true,
    escalate: timing.escalateAfterDays !== null && day >= timing.escalateAfterDays,
    day,
  };
}
