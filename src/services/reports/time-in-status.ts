import { roundDays } from "../../domain/reports/report-figures.js";
import { reportBounds } from "../../domain/reports/report-filter.js";
import { ReportService } from "../../gen/ect/v1/report_service_pb.js";
import { pagedStream } from "../../streams/paged-stream.js";
import { callerOf } from "../call-caller.js";
import { type Ordered, orderedReport, ReportSql, scopedCases } from "./scoped-cases.js";

interface TimeInStatusSqlRow extends Ordered {
  role_id: number;
  role: string;
  status_code_id: number;
  status: string;
  stays: number;
  p50_days: number;
  p90_days: number;
  max_days: number;
}

/**
 * TimeInStatus: where cases wait. Every finished stay (a tracking row with an end) of a case in scope at a
 * status a role holds, that ended in the range, per role and status in workflow order.
 */
export const timeInStatus = pagedStream({
  method: ReportService.method.timeInStatus,
  batch: "rows",
  read(request, context) {
    const caller = callerOf(context);
    const bounds = reportBounds(request.filter);
    const sql = new ReportSql();
    const scoped = scopedCases(sql, caller, bounds, "none");
    const rows = `
      WITH scoped AS (${scoped}),
      stays AS (
        SELECT sc.role_id, r.name AS role, sc.id AS status_code_id, sc.description AS status, sc.display_order,
               extract(epoch FROM t.end_time - t.start_time)::float8 / 86400 AS days
        FROM tracking t
        JOIN scoped s ON s.id = t.case_id
        JOIN work_statuses ws ON ws.id = t.work_status_id
        JOIN status_codes sc ON sc.id = ws.status_code_id
        JOIN roles r ON r.id = sc.role_id
        WHERE t.end_time IS NOT NULL AND ${sql.inRange("t.end_time", bounds)}
      )
      SELECT st.role_id, st.role, st.status_code_id, st.status, count(*)::int AS stays,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY st.days) AS p50_days,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY st.days) AS p90_days,
             max(st.days) AS max_days,
             row_number() OVER (ORDER BY min(st.display_order), st.status_code_id) AS ord
      FROM stays st GROUP BY st.role_id, st.role, st.status_code_id, st.status`;
    return { query: orderedReport<TimeInStatusSqlRow>(sql, rows) };
  },
  item: (row: TimeInStatusSqlRow) => ({
    roleId: row.role_id,
    role: row.role,
    statusCodeId: row.status_code_id,
    status: row.status,
    stays: row.stays,
    p50Days: roundDays(row.p50_days),
    p90Days: roundDays(row.p90_days),
    maxDays: roundDays(row.max_days),
  }),
});
