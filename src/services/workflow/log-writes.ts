import { invalidArgument, notFound } from "../../errors.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import type { Handler } from "./handler.js";
import { optionalDate, requiredText } from "./request-fields.js";

/** Appends a run-log line for an existing process (execution_date defaults to now); returns the new log id. */
export const insertLog: Handler<"insertLog"> = async (db, request, context) => {
  const caller = callerOf(context);
  const processName = requiredText("process_name", request.processName, 200);
  const message = requiredText("message", request.message, 4000);
  const executionDate = optionalDate("execution_date", request.executionDate) ?? new Date();
  return db.transaction(async (tx) => {
    const process = await tx.query<{ id: number }>("SELECT id FROM processes WHERE name = $1", [processName]);
    if (process.rows.length === 0) throw notFound("process", processName);
    const { rows } = await tx.query<{ id: number }>(
      "INSERT INTO process_logs (process_id, execution_date, message) VALUES ($1, $2, $3) RETURNING id",
      [process.rows[0].id, executionDate, message],
    );
    await recordAudit(tx, {
      entityType: "log",
      entityId: rows[0].id,
      action: "insert",
      actor: caller.username,
      after: { processName, executionDate: executionDate.toISOString(), message },
    });
    return { result: rows[0].id };
  });
};

/** Deletes one run-log line; returns the rows deleted (1), NOT_FOUND when there is no such line. */
export const deleteLogById: Handler<"deleteLogById"> = async (db, request, context) => {
  const caller = callerOf(context);
  const logId = request.logId ?? 0;
  if (!Number.isInteger(logId) || logId < 1) throw invalidArgument("log_id", "required: a positive log id");
  return db.transaction(async (tx) => {
    const deleted = await tx.query<{ process_id: number; execution_date: Date; message: string }>(
      "DELETE FROM process_logs WHERE id = $1 RETURNING process_id, execution_date, message",
      [logId],
    );
    if (deleted.rows.length === 0) throw notFound("log", logId);
    await recordAudit(tx, {
      entityType: "log",
      entityId: logId,
      action: "delete",
      actor: caller.username,
      before: deleted.rows[0],
    });
    return { result: deleted.rows.length };
  });
};
