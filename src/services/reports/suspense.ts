import type { CalendarClock } from "../../domain/investigation/calendar-clock.js";
import { INVESTIGATING_OFFICER_ROLE_ID } from "../../domain/investigation/investigation-sections.js";
import { daysAtStatus, reportBounds } from "../../domain/reports/report-filter.js";
import { ReportService } from "../../gen/ect/v1/report_service_pb.js";
import { pagedStream } from "../../streams/paged-stream.js";
import { callerOf } from "../call-caller.js";
import { ReportSql, scopeConditions } from "./scoped-cases.js";

interface SuspenseSqlRow {
  id: number;
  case_number: string;
  unit_id: number;
  unit_name: string;
  pas_code: string;
  status: string;
  role: string | null;
  formal: boolean;
  /** When the case entered its status, as PostgreSQL prints it: the keyset's key, to the microsecond. */
  since_key: string;
  status_since: string;
  days_in_status: number;
  days_open: number;
  suspense_date: string | null;
  days_past_suspense: number;
  past_suspense: boolean;
  past_days_at_status: boolean;
}

/** A page starts after this case in the report's order: when it entered its status, then its id. */
type SuspenseKey = readonly [since: string, caseId: number];

/**
 * Suspense: open cases of the caller's units (opened in the range) that the investigating officer holds past
 * the investigation's suspense, or that have sat more than `days_at_status` days in their status; the case
 * waiting longest first. Days are calendar days (UTC) to today on the suspense calendar.
 *
 * An open case's status began with its one open tracking row (end_time null; a move closes it), so the report
 * walks those rows oldest first through their partial index (tracking_open_by_start, migration 021) and pages
 * by (start_time, case id): each page reads only as far as its rows, where numbering the whole report
 * (row_number(), as the aggregate reports do) re-read every open case for every page — 7.5 s a page on a
 * million cases.
 */
export function suspense(clock: CalendarClock) {
  return pagedStream({
    method: ReportService.method.suspense,
    batch: "rows",
    read(request, context) {
      const caller = callerOf(context);
      const bounds = reportBounds(request.filter);
      const threshold = daysAtStatus(request.daysAtStatus);
      const sql = new ReportSql();
      const conditions = scopeConditions(sql, caller, bounds);
      const range = sql.inRange("c.created_at", bounds);
      const today = `${sql.param(clock.today())}::date`;
      const days = `${sql.param(threshold)}::int`;
      const daysInStatus = `(${today} - (t.start_time AT TIME ZONE 'UTC')::date)`;
      const pastSuspense = `coalesce(sc.role_id = ${INVESTIGATING_OFFICER_ROLE_ID} AND inv.suspense_date < ${today}, false)`;
      const base = `
        SELECT c.id, c.case_number, c.unit_id, u.name AS unit_name, u.pas_code, sc.description AS status,
               r.name AS role, coalesce(ld.formal_investigation, false) AS formal, t.start_time::text AS since_key,
               to_char(t.start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS status_since,
               ${daysInStatus} AS days_in_status, ${today} - (c.created_at AT TIME ZONE 'UTC')::date AS days_open,
               to_char(inv.suspense_date, 'YYYY-MM-DD') AS suspense_date,
               CASE WHEN ${pastSuspense} THEN ${today} - inv.suspense_date ELSE 0 END AS days_past_suspense,
               ${pastSuspense} AS past_suspense, ${daysInStatus} > ${days} AS past_days_at_status
        FROM tracking t
        JOIN cases c ON c.id = t.case_id
        JOIN work_statuses ws ON ws.id = c.work_status_id
        JOIN status_codes sc ON sc.id = ws.status_code_id
        JOIN units u ON u.id = c.unit_id
        LEFT JOIN roles r ON r.id = sc.role_id
        LEFT JOIN lod_details ld ON ld.case_id = c.id
        LEFT JOIN investigations inv ON inv.case_id = c.id
        WHERE t.end_time IS NULL AND NOT sc.is_final AND ${conditions.join(" AND ")} AND ${range}
          AND (${pastSuspense} OR ${daysInStatus} > ${days})`;
      return {
        query: {
          page(after: SuspenseKey | undefined, limit: number) {
            const params = [...sql.params];
            const next = (value: unknown) => `$${params.push(value)}`;
            const from = after
              ? `AND (t.start_time, t.case_id) > (${next(after[0])}::timestamptz, ${next(after[1])}::int)`
              : "";
            return {
              sql: `${base} ${from} ORDER BY t.start_time, t.case_id LIMIT ${next(limit)}`,
              params,
            };
          },
          keyOf: (row: SuspenseSqlRow): SuspenseKey => [row.since_key, row.id],
        },
      };
    },
    item: (row: SuspenseSqlRow) => ({
      caseId: row.id,
      caseNumber: row.case_number,
      unit: { id: row.unit_id, name: row.unit_name, pasCode: row.pas_code },
      status: row.status,
      role: row.role ?? "",
      formal: row.formal,
      statusSince: row.status_since,
      daysInStatus: row.days_in_status,
      daysOpen: row.days_open,
      suspenseDate: row.suspense_date ?? "",
      daysPastSuspense: row.days_past_suspense,
      pastSuspense: row.past_suspense,
      pastDaysAtStatus: row.past_days_at_status,
    }),
  });
}
