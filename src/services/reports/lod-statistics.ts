import { reportBounds } from "../../domain/reports/report-filter.js";
import { ReportService } from "../../gen/ect/v1/report_service_pb.js";
import { pagedStream } from "../../streams/paged-stream.js";
import { callerOf } from "../call-caller.js";
import { type Ordered, orderedReport, ReportSql, scopedCases } from "./scoped-cases.js";

interface LodStatisticsSqlRow extends Ordered {
  month: string;
  unit_id: number;
  unit_name: string;
  pas_code: string;
  opened: number;
  completed: number;
  cancelled: number;
  completed_formal: number;
  ilod: number;
  nilod_misconduct: number;
  nilod_not_misconduct: number;
  epts_lod_na: number;
  epts_sa: number;
}

/** Final determinations by finding id (reference data `findings`, as legacy report_sp_GetLODStatistics counts them). */
const FINDING = { ilod: 1, nilodMisconduct: 2, nilodNotMisconduct: 3, eptsLodNa: 4, eptsSa: 5 } as const;

/**
 * LodStatistics: per month and unit, cases opened (by their creation) and completed or cancelled (by the day
 * they reached the final status), each event counted in its own month and only when that date is in range.
 */
export const lodStatistics = pagedStream({
  method: ReportService.method.lodStatistics,
  batch: "rows",
  read(request, context) {
    const caller = callerOf(context);
    const bounds = reportBounds(request.filter);
    const sql = new ReportSql();
    const scoped = scopedCases(sql, caller, bounds, "final");
    const month = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM')`;
    const finding = (id: number) => `count(*) FILTER (WHERE e.completed = 1 AND e.finding_id = ${id})::int`;
    const rows = `
      WITH scoped AS (${scoped}),
      events AS (
        SELECT s.unit_id, ${month("s.created_at")} AS month, 1 AS opened, 0 AS completed, 0 AS cancelled,
               false AS formal, NULL::int AS finding_id
        FROM scoped s WHERE ${sql.inRange("s.created_at", bounds)}
        UNION ALL
        SELECT s.unit_id, ${month("s.status_since")}, 0, (NOT s.is_cancel)::int, s.is_cancel::int,
               s.formal, s.finding_id
        FROM scoped s WHERE s.is_final AND ${sql.inRange("s.status_since", bounds)}
      )
      SELECT e.month, e.unit_id, u.name AS unit_name, u.pas_code,
             sum(e.opened)::int AS opened, sum(e.completed)::int AS completed, sum(e.cancelled)::int AS cancelled,
             count(*) FILTER (WHERE e.completed = 1 AND e.formal)::int AS completed_formal,
             ${finding(FINDING.ilod)} AS ilod, ${finding(FINDING.nilodMisconduct)} AS nilod_misconduct,
             ${finding(FINDING.nilodNotMisconduct)} AS nilod_not_misconduct,
             ${finding(FINDING.eptsLodNa)} AS epts_lod_na, ${finding(FINDING.eptsSa)} AS epts_sa,
             row_number() OVER (ORDER BY e.month, e.unit_id) AS ord
      FROM events e JOIN units u ON u.id = e.unit_id
      GROUP BY e.month, e.unit_id, u.name, u.pas_code`;
    return { query: orderedReport<LodStatisticsSqlRow>(sql, rows) };
  },
  item: (row: LodStatisticsSqlRow) => ({
    month: row.month,
    unit: { id: row.unit_id, name: row.unit_name, pasCode: row.pas_code },
    opened: row.opened,
    completed: row.completed,
    cancelled: row.cancelled,
    completedFormal: row.completed_formal,
    completedInformal: row.completed - row.completed_formal,
    inLineOfDuty: row.ilod,
    nilodMisconduct: row.nilod_misconduct,
    nilodNotMisconduct: row.nilod_not_misconduct,
    eptsLodNotApplicable: row.epts_lod_na,
    eptsServiceAggravated: row.epts_sa,
  }),
});
