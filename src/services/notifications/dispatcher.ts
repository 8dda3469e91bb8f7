import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "pino";
import type { Queryable } from "../../db/db.js";
import { retryDelayMs } from "../../resilience/backoff.js";
import type { RetrySettings } from "../../resilience/settings.js";
import type { NotificationMetrics } from "./notification-metrics.js";
import { type PeriodicTask, periodicTask } from "./periodic-task.js";

/** What the dispatcher needs. */
export interface DispatcherOptions {
  db: Queryable;
  /** config.notifications.smtpUrl: undefined records email as not configured. */
  smtpUrl: string | undefined;
  from: string;
  /** config.notifications.dispatchIntervalMs: the polling period and the first retry delay. */
  intervalMs: number;
  /** config.notifications.maxAttempts: attempts before a message is dead-lettered. */
  maxAttempts: number;
  logger: Logger;
  metrics?: NotificationMetrics;
  /** Messages claimed per round (default 20). */
  batchSize?: number;
  /**
   * How long a claimed message stays claimed (default 5 minutes): another dispatcher takes it over only after
   * this, when the claimer died mid-send. Longer than any SMTP timeout below, so a live send never loses it.
   */
  leaseMs?: number;
}

/**
 * SMTP timeouts: a stuck server fails the attempt instead of holding the round (all below the lease). The
 * transport is pooled: a round's messages share a connection instead of one handshake each.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 };

/** The last delay between attempts: a message is retried at least hourly until it is dead-lettered. */
const MAX_RETRY_DELAY_MS = 3_600_000;

interface Claimed {
  id: string;
  case_id: number | null;
  subject: string;
  body_text: string;
  body_html: string;
  correlation_id: string;
  attempts: number;
  email: string | null;
}

/** One dispatcher round's outcome. */
export interface DispatchRound {
  sent: number;
  failed: number;
  dead: number;
  notConfigured: number;
}

/**
 * Drains the email rows of the outbox. Each round claims due messages with FOR UPDATE SKIP LOCKED and a lease
 * (state 'sending'), so two dispatchers — in one process or in two instances on one PostgreSQL — never claim
 * the same message; then sends each over SMTP (nodemailer) outside any transaction and records the outcome:
 * 'sent'; 'failed' with the next attempt after the project's backoff (retryDelayMs, base = the dispatch
 * interval); 'dead' with the last error after maxAttempts or on a permanent (5xx) refusal. Every failure is
 * logged with the correlation id of the move that caused the message. Moves never wait for any of this.
 */
export class Dispatcher {
  private readonly transport: Transporter | undefined;
  private readonly retry: RetrySettings;
  private task: PeriodicTask | undefined;

  constructor(private readonly options: DispatcherOptions) {
    this.transport = options.smtpUrl
      ? nodemailer.createTransport({ url: options.smtpUrl, pool: true, maxConnections: 2, ...SMTP_TIMEOUTS })
      : undefined;
    this.retry = {
      maxRetries: options.maxAttempts - 1,
      baseDelayMs: options.intervalMs,
      maxDelayMs: MAX_RETRY_DELAY_MS,
      jitter: true,
    };
  }

  /** Starts draining on the interval (the first round at once: what a previous process left is sent now). */
  start(): void {
    this.task ??= periodicTask(
      this.options.intervalMs,
      async () => {
        const round = await this.drainOnce();
        return round.sent + round.failed + round.dead >= (this.options.batchSize ?? 20);
      },
      (error) => this.options.logger.error({ err: error }, "notification dispatcher round failed"),
      0,
    );
  }

  /** Runs a round soon (after a commit that wrote email). */
  wake(): void {
    this.task?.wake();
  }

  /** Stops the interval and waits for the round in progress. */
  async close(): Promise<void> {
    await this.task?.stop();
    this.transport?.close();
  }

  /** One round: claims up to a batch of due messages and sends them. */
  async drainOnce(): Promise<DispatchRound> {
    const round: DispatchRound = { sent: 0, failed: 0, dead: 0, notConfigured: 0 };
    if (!this.transport) {
      const { rowCount } = await this.options.db.query(
        `UPDATE notifications SET state = 'not_configured', last_error = 'ECT_SMTP_URL is not set', lease_until = NULL
         WHERE channel = 'email' AND state IN ('pending', 'failed')`,
      );
      round.notConfigured = rowCount;
      return round;
    }
    const { rows } = await this.options.db.query<Claimed>(
      `UPDATE notifications n SET state = 'sending', attempts = n.attempts + 1,
         lease_until = now() + make_interval(secs => $2::double precision / 1000)
       WHERE n.id IN (
         SELECT id FROM notifications
         WHERE channel = 'email' AND (
           (state IN ('pending', 'failed') AND next_attempt_at <= now()) OR (state = 'sending' AND lease_until < now()))
         ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING n.id::text AS id, n.case_id, n.subject, n.body_text, n.body_html, n.correlation_id, n.attempts,
         (SELECT u.email FROM users u WHERE u.id = n.recipient_user_id) AS email`,
      [this.options.batchSize ?? 20, this.options.leaseMs ?? 300_000],
    );
    for (const message of rows) {
      const outcome = await this.send(this.transport, message);
      round[outcome]++;
    }
    return round;
  }

  private async send(transport: Transporter, message: Claimed): Promise<"sent" | "failed" | "dead"> {
    try {
      if (!message.email)
        throw Object.assign(new Error("the recipient has no email address"), { permanent: true });
      await transport.sendMail({
        from: this.options.from,
        to: message.email,
        subject: message.subject,
        text: message.body_text,
        html: message.body_html || undefined,
        headers: message.correlation_id ? { "X-Correlation-Id": message.correlation_id } : {},
      });
      await this.options.db.query(
        `UPDATE notifications SET state = 'sent', sent_at = now(), lease_until = NULL, last_error = ''
         WHERE id = $1 AND state = 'sending' AND attempts = $2`,
        [message.id, message.attempts],
      );
      this.options.metrics?.sent.inc({ channel: "email" });
      return "sent";
    } catch (error) {
      return this.recordFailure(message, error);
    }
  }

  private async recordFailure(message: Claimed, error: unknown): Promise<"failed" | "dead"> {
    const { responseCode, permanent } = error as { responseCode?: number; permanent?: boolean };
    const refused = permanent === true || (typeof responseCode === "number" && responseCode >= 500);
    const dead = refused || message.attempts >= this.options.maxAttempts;
    const lastError = String((error as Error)?.message ?? error).slice(0, 2000);
    const delayMs = retryDelayMs(message.attempts, this.retry);
    await this.options.db.query(
      `UPDATE notifications SET state = $3, last_error = $4, lease_until = NULL,
         next_attempt_at = now() + make_interval(secs => $5::double precision / 1000)
       WHERE id = $1 AND state = 'sending' AND attempts = $2`,
      [message.id, message.attempts, dead ? "dead" : "failed", lastError, delayMs],
    );
    this.options.metrics?.failed.inc({ channel: "email" });
    this.options.logger.warn(
      {
        correlationId: message.correlation_id || undefined,
        notificationId: message.id,
        caseId: message.case_id ?? undefined,
        attempts: message.attempts,
        state: dead ? "dead" : "failed",
        retryInMs: dead ? undefined : delayMs,
        error: lastError,
      },
      dead ? "notification email dead-lettered" : "notification email failed; will retry",
    );
    return dead ? "dead" : "failed";
  }
}
