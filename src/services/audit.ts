import type { Queryable } from "../db/db.js";
import { currentCorrelationId } from "../telemetry/correlation.js";

/** One audited change: who did what to which entity, with the state before and after. */
export interface AuditEntry {
  entityType:
    | "case"
    | "user"
    | "role"
    | "workflow"
    | "log"
    | "status_code"
    | "session"
    | "notification_template"
    | "reminder_rule"
    | "memo_template";
  entityId: string | number;
  action: string;
  actor: string;
  before?: unknown;
  after?: unknown;
  /** When it happened; now unless the entry records something done earlier (the demo's history). */
  at?: Date;
}

/** Appends an audit row in the caller's transaction, tagged with the current correlation id. */
export async function recordAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO audit_events (entity_type, entity_id, action, actor, before, after, correlation_id, event_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, now()))`,
    [
      entry.entityType,
      String(entry.entityId),
      entry.action,
      entry.actor,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      currentCorrelationId() ?? "",
      entry.at ?? null,
    ],
  );
}
