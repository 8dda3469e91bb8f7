import { share } from "../../domain/reports/report-figures.js";
import { reportBounds } from "../../domain/reports/report-filter.js";
import { ReportService } from "../../gen/ect/v1/report_service_pb.js";
import { pagedStream } from "../../streams/paged-stream.js";
import { callerOf } from "../call-caller.js";
import { type Ordered, orderedReport, ReportSql, scopedCases } from "./scoped-cases.js";

interface RwoaReasonsSqlRow extends Ordered {
  kind: string;
  reason_id: number;
  reason: string;
  role_id: number | null;
  role: string | null;
  actions: number;
  cases: number;
  cases_in_scope: number;
}

/**
 * RwoaReasons: of the cases opened in the range in the caller's units, how often each reason was given to
 * return a case without action or to cancel it, and by which role (the one holding the status it left).
 */
export const rwoaReasons = pagedStream({
  method: ReportService.method.rwoaReasons,
  batch: "rows",
  read(request, context) {
    const caller = callerOf(context);
    const bounds = reportBounds(request.filter);
    const sql = new ReportSql();
    const scoped = scopedCases(sql, caller, bounds, "none");
    const rows = `
      WITH scoped AS (SELECT * FROM (${scoped}) s WHERE ${sql.inRange("s.created_at", bounds)}),
      total AS (SELECT count(*)::int AS n FROM scoped)
      SELECT re.kind, re.id AS reason_id, re.description AS reason, sc.role_id, r.name AS role,
             count(*)::int AS actions, count(DISTINCT a.case_id)::int AS cases, (SELECT n FROM total) AS cases_in_scope,
             row_number() OVER (ORDER BY re.kind DESC, count(*) DESC, re.id, sc.role_id) AS ord
      FROM action_log a
      JOIN scoped s ON s.id = a.case_id
      JOIN reasons re ON re.id = a.reason_id
      LEFT JOIN status_codes sc ON sc.id = a.from_status_code_id
      LEFT JOIN roles r ON r.id = sc.role_id
      GROUP BY re.kind, re.id, re.description, sc.role_id, r.name`;
    return { query: orderedReport<RwoaReasonsSqlRow>(sql, rows) };
  },
  item: (row: RwoaReasonsSqlRow) => ({
    kind: row.kind,
    reasonId: row.reason_id,
    reason: row.reason,
    roleId: row.role_id ?? 0,
    role: row.role ?? "",
    actions: row.actions,
    cases: row.cases,
    casesInScope: row.cases_in_scope,
    rate: share(row.cases, row.cases_in_scope),
  }),
});
