import { invalidArgument } from "../../errors.js";
import type { Handler } from "./handler.js";
import { iso, likePattern, optionalDate, optionalText } from "./request-fields.js";

/** Sortable columns by their contract names (matched case-insensitively). */
const sortColumns: Record<string, string> = {
  id: "l.id",
  name: "p.name",
  executiondate: "l.execution_date",
  message: "l.message",
};

function pageField(field: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined || value === 0) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw invalidArgument(field, max === Number.MAX_SAFE_INTEGER ? "must be 1 or more" : `must be 1–${max}`);
  }
  return value;
}

/**
 * One page of the process run log, ApplicationWarmupProcess_sp_GetAllLogs_pagination semantics: page
 * 1 and size 10 by default, substring filters, an inclusive date range, a sort column and direction
 * (empty means ExecutionDate DESC) and the filtered total.
 */
export const getAllLogsPagination: Handler<"getAllLogsPagination"> = async (db, request) => {
  const page = pageField("page_number", request.pageNumber, 1, Number.MAX_SAFE_INTEGER);
  const size = pageField("page_size", request.pageSize, 10, 1000);
  const processName = optionalText("process_name", request.processName, 200);
  const message = optionalText("message_filter", request.messageFilter, 4000);
  const start = optionalDate("start_date", request.startDate);
  const end = optionalDate("end_date", request.endDate);
  if (start && end && start > end) throw invalidArgument("start_date", "must not be after end_date");
  // A date-only end ("2026-03-01") includes that whole day.
  const endInclusive =
    end && /^\d{4}-\d{2}-\d{2}$/.test((request.endDate ?? "").trim())
      ? new Date(end.getTime() + 86_399_999)
      : end;

  const sortBy = (request.sortBy ?? "").trim();
  const column = sortBy === "" ? sortColumns.executiondate : sortColumns[sortBy.toLowerCase()];
  if (!column)
    throw invalidArgument("sort_by", `must be one of Id, Name, ExecutionDate, Message; got "${sortBy}"`);
  const sortOrder = (request.sortOrder ?? "").trim().toUpperCase();
  if (sortOrder !== "" && sortOrder !== "ASC" && sortOrder !== "DESC") {
    throw invalidArgument("sort_order", `must be ASC or DESC; got "${request.sortOrder}"`);
  }
  const direction = sortOrder || "DESC";
  const offset = (page - 1) * size;
  if (!Number.isSafeInteger(offset)) throw invalidArgument("page_number", "too large");

  const filter = `
    FROM process_logs l JOIN processes p ON p.id = l.process_id
    WHERE ($1::text IS NULL OR p.name ILIKE $1::text) AND ($2::text IS NULL OR l.message ILIKE $2::text)
      AND ($3::timestamptz IS NULL OR l.execution_date >= $3::timestamptz)
      AND ($4::timestamptz IS NULL OR l.execution_date <= $4::timestamptz)`;
  const params = [
    processName === null ? null : likePattern(processName, "substring"),
    message === null ? null : likePattern(message, "substring"),
    start,
    endInclusive,
  ];
  const [rows, total] = await Promise.all([
    db.query<{ id: number; name: string; execution_date: string; message: string }>(
      `SELECT l.id, p.name, ${iso("l.execution_date")} AS execution_date, l.message ${filter}
       ORDER BY ${column} ${direction}, l.id ${direction} LIMIT $5 OFFSET $6`,
      [...params, size, offset],
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n ${filter}`, params),
  ]);
  return {
    items: rows.rows.map((row) => ({
      logId: row.id,
      processName: row.name,
      executionDate: row.execution_date,
      message: row.message,
    })),
    totalCount: total.rows[0].n,
  };
};
