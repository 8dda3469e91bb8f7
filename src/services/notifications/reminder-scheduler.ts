import type { Logger } from "pino";
import type { Db } from "../../db/db.js";
import type { CalendarClock } from "../../domain/investigation/calendar-clock.js";
import { reminderDue } from "../../domain/notifications/reminder-due.js";
import { generateCorrelationId, runWithCallContext } from "../../telemetry/correlation.js";
import { enqueueCaseNotice } from "./enqueue-notice.js";
import { type PeriodicTask, periodicTask } from "./periodic-task.js";
import { roleHolders } from "./recipients.js";

/** A case a rule may remind about today, with the rule. */
interface Candidate {
  rule_id: number;
  kind: "days_in_status" | "suspense";
  role_id: number;
  remind_after_days: number;
  repeat_every_days: number;
  escalate_after_days: number | null;
  escalate_role_id: number | null;
  template_event: string;
  case_id: number;
  anchor: string;
  last_reminded: string | null;
}

/**
 * Open cases that some active rule may remind about today: at the rule's status for at least remind_after_days
 * (days in status, counted from the day the case entered it: the latest tracking row), or, for suspense rules,
 * with an investigation whose suspense is at most that many days away. The day each case was last reminded
 * under the rule since that anchor comes along, for the repeat.
 */
const CANDIDATES = `
  WITH anchored AS (
    SELECT r.id AS rule_id, r.kind, r.role_id, r.remind_after_days, r.repeat_every_days, r.escalate_after_days,
           r.escalate_role_id, r.template_event, c.id AS case_id,
           CASE WHEN r.kind = 'suspense' THEN inv.suspense_date
                ELSE (SELECT (t.start_time AT TIME ZONE 'UTC')::date FROM tracking t
                      WHERE t.case_id = c.id ORDER BY t.id DESC LIMIT 1) END AS anchor
    FROM reminder_rules r
    JOIN work_statuses ws ON ws.workflow_id = r.workflow_id AND ws.status_code_id = r.status_code_id
    JOIN cases c ON c.work_status_id = ws.id
    LEFT JOIN investigations inv ON inv.case_id = c.id
    WHERE r.active AND (r.kind = 'days_in_status' OR inv.suspense_date IS NOT NULL)
  )
  SELECT a.rule_id, a.kind, a.role_id, a.remind_after_days, a.repeat_every_days, a.escalate_after_days,
         a.escalate_role_id, a.template_event, a.case_id, to_char(a.anchor, 'YYYY-MM-DD') AS anchor,
         (SELECT to_char(max(l.day), 'YYYY-MM-DD') FROM reminder_log l
          WHERE l.case_id = a.case_id AND l.rule_id = a.rule_id AND l.day >= a.anchor) AS last_reminded
  FROM anchored a
  WHERE a.anchor IS NOT NULL AND a.anchor + a.remind_after_days <= $1::date
  ORDER BY a.case_id, a.rule_id`;

/** What the scheduler needs. */
export interface ReminderSchedulerOptions {
  db: Db;
  /** config.notifications.clock: the calendar the days are counted on. */
  clock: CalendarClock;
  /** config.notifications.reminderIntervalMs. */
  intervalMs: number;
  logger: Logger;
  /** Called after a round that enqueued email, so the dispatcher sends it now. */
  onEnqueued?: () => void;
}

/**
 * Evaluates the reminder rules (legacy ReminderEmailSettings and form348_sp_emailOverDue) on an interval:
 * remind the rule's role after N days, again every M days, and from K days on escalate to the next level.
 * A reminder is claimed in reminder_log (case, rule, day) in the same transaction that enqueues it, so a
 * case is reminded at most once per rule per day, across restarts and across instances evaluating at once.
 */
export class ReminderScheduler {
  private task: PeriodicTask | undefined;

  constructor(private readonly options: ReminderSchedulerOptions) {}

  /**
   * Starts the interval. The first round comes one interval after start: a restart must not cost a burst of
   * reminder work before the server serves (a day's reminders still go out that day; the log keeps them once).
   */
  start(): void {
    this.task ??= periodicTask(
      this.options.intervalMs,
      async () => {
        const sent = await this.runOnce();
        if (sent > 0) this.options.onEnqueued?.();
        return false;
      },
      (error) => this.options.logger.error({ err: error }, "reminder round failed"),
    );
  }

  /** Stops the interval and waits for the round in progress. */
  async close(): Promise<void> {
    await this.task?.stop();
  }

  /** One round on the clock's today; returns the number of reminders enqueued (escalations included). */
  runOnce(): Promise<number> {
    return runWithCallContext({ correlationId: generateCorrelationId() }, () => this.round());
  }

  private async round(): Promise<number> {
    const today = this.options.clock.today();
    const { rows } = await this.options.db.query<Candidate>(CANDIDATES, [today]);
    let sent = 0;
    for (const candidate of rows) {
      const decision = reminderDue(
        {
          remindAfterDays: candidate.remind_after_days,
          repeatEveryDays: candidate.repeat_every_days,
          escalateAfterDays: candidate.escalate_after_days,
        },
        candidate.anchor,
        today,
        candidate.last_reminded,
      );
      if (!decision.remind) continue;
      sent += await this.options.db.transaction(async (tx) => {
        const claimed = await tx.query(
          `INSERT INTO reminder_log (case_id, rule_id, day, escalated) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING case_id`,
          [candidate.case_id, candidate.rule_id, today, decision.escalate],
        );
        if (claimed.rowCount === 0) return 0;
        const overdue = candidate.kind === "suspense" && decision.day > 0;
        const notice = {
          caseId: candidate.case_id,
          roleId: candidate.role_id,
          daysInStatus: decision.day,
        };
        await enqueueCaseNotice(tx, {
          ...notice,
          event: overdue ? "suspense_overdue" : candidate.template_event,
          recipients: await roleHolders(tx, candidate.case_id, candidate.role_id),
        });
        if (!decision.escalate || candidate.escalate_role_id === null) return 1;
        await enqueueCaseNotice(tx, {
          ...notice,
          event: candidate.kind === "suspense" ? "suspense_overdue" : "escalation",
          recipients: await roleHolders(tx, candidate.case_id, candidate.escalate_role_id),
        });
        return 2;
      });
    }
    return sent;
  }
}
