import { lookup } from "./lookup.js";
import { iso, requiredText } from "./request-fields.js";

/** Process logs and the process registry. */
export const logLookups = [
  lookup({
    name: "getAllLogs",
    params: () => [],
    // Newest first on process_logs_by_date; the key keeps the database's own timestamp text (microseconds).
    sql: `
      SELECT l.id, p.name, ${iso("l.execution_date")} AS execution_date, l.execution_date::text AS date_key, l.message
      FROM process_logs l JOIN processes p ON p.id = l.process_id
      WHERE ($1::text[] IS NULL OR (l.execution_date, l.id) < (($1::text[])[1]::timestamptz, ($1::text[])[2]::int))
      ORDER BY l.execution_date DESC, l.id DESC LIMIT $2`,
    keyOf: (row: { id: number; date_key: string }) => [row.date_key, String(row.id)],
    item: (row: { id: number; date_key: string; name: string; execution_date: string; message: string }) => ({
      logId: row.id,
      processName: row.name,
      executionDate: row.execution_date,
      message: row.message,
    }),
  }),
  lookup({
    name: "isProcessActive",
    params: (request) => [requiredText("process_name", request.processName, 200)],
    sql: `SELECT id, name, active FROM processes WHERE ($1::int IS NULL OR id > $1::int) AND name = $3::text LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; name: string; active: boolean }) => ({
      processName: row.name,
      isActive: row.active,
    }),
  }),
  lookup({
    name: "findProcessLastExecutionDate",
    params: (request) => [requiredText("process_name", request.processName, 200)],
    // A process that never ran has an empty date and message.
    sql: `
      SELECT p.id, p.name, coalesce(${iso("l.execution_date")}, '') AS last_execution_date, coalesce(l.message, '') AS message
      FROM processes p LEFT JOIN LATERAL (
        SELECT execution_date, message FROM process_logs WHERE process_id = p.id ORDER BY execution_date DESC, id DESC LIMIT 1
      ) l ON true
      WHERE ($1::int IS NULL OR p.id > $1::int) AND p.name = $3::text LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; name: string; last_execution_date: string; message: string }) => ({
      processName: row.name,
      lastExecutionDate: row.last_execution_date,
      message: row.message,
    }),
  }),
];
