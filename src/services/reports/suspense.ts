import type { CalendarClock } from "../../domain/investigation/calendar-clock.js";
import { INVESTIGATING_OFFICER_ROLE_ID } from "../../domain/investigation/investigation-sections.js";
import { daysAtStatus, reportBounds } from "../../domain/reports/report-filter.js";
import { ReportService } from "../../gen/ect/v1/report_service_pb.js";
import { pagedStream } from "../../streams/paged-stream.js";
import { callerOf } from "../call-caller.js";
import { type Ordered, orderedReport, ReportSql, scopedCases } from "./scoped-cases.js";

interface SuspenseSqlRow extends Ordered {
  id: number;
  case_number: string;
  unit_id: number;
  unit_name: string;
  pas_code: string;
  status: string;
  role: string | null;
  formal: boolean;
  status_since: string;
  days_in_status: number;
  days_open: number;
  suspense_date: string | null;
  days_past_suspense: number;
  past_suspense: boolean;
  past_days_at_status: boolean;
}

/**
 * Suspense: open cases of the caller's units (opened in the range) that the investigating officer holds past
 * the investigation's suspense, or that have sat more than `days_at_status` days in their status; the case
 * waiting longest first. Days are calendar days (UTC) to today on the suspense calendar.
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
      const scoped = scopedCases(sql, caller, bounds, "open");
      const range = sql.inRange("s.created_at", bounds);
      const today = `${sql.param(clock.today())}::date`;
      const rows = `
        WITH scoped AS (${scoped}),
        open AS (
          SELECT s.*, inv.suspense_date,
                 ${today} - (s.status_since AT TIME ZONE 'UTC')::date AS days_in_status,
                 ${today} - (s.created_at AT TIME ZONE 'UTC')::date AS days_open,
                 coalesce(s.role_id = ${INVESTIGATING_OFFICER_ROLE_ID} AND inv.suspense_date < ${today}, false)
                   AS past_suspense
          FROM scoped s LEFT JOIN investigations inv ON inv.case_id = s.id
          WHERE NOT s.is_final AND s.status_since IS NOT NULL AND ${range}
        )
        SELECT o.id, o.case_number, o.unit_id, u.name AS unit_name, u.pas_code, o.status, r.name AS role, o.formal,
               to_char(o.status_since AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS status_since,
               o.days_in_status, o.days_open, to_char(o.suspense_date, 'YYYY-MM-DD') AS suspense_date,
               CASE WHEN o.past_suspense THEN ${today} - o.suspense_date ELSE 0 END AS days_past_suspense,
               o.past_suspense, o.days_in_status > ${sql.param(threshold)}::int AS past_days_at_status,
               row_number() OVER (ORDER BY o.status_since, o.id) AS ord
        FROM open o JOIN units u ON u.id = o.unit_id LEFT JOIN roles r ON r.id = o.role_id
        WHERE o.past_suspense OR o.days_in_status > ${sql.param(threshold)}::int`;
      return { query: orderedReport<SuspenseSqlRow>(sql, rows) };
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
