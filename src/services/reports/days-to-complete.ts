import { roundDays, share, type TargetDays, targetDaysOf } from "../../domain/reports/report-figures.js";
import { reportBounds } from "../../domain/reports/report-filter.js";
import { ReportService } from "../../gen/ect/v1/report_service_pb.js";
import { pagedStream } from "../../streams/paged-stream.js";
import { callerOf } from "../call-caller.js";
import { type Ordered, orderedReport, ReportSql, scopedCases } from "./scoped-cases.js";

interface DaysToCompleteSqlRow extends Ordered {
  unit_id: number | null;
  unit_name: string | null;
  pas_code: string | null;
  formal: boolean;
  cases: number;
  p50_days: number;
  p90_days: number;
  max_days: number;
  within_target: number;
}

/** The row of all the report's units together: unit id 0. */
const ALL_UNITS = { id: 0, name: "All units", pasCode: "" };

/**
 * DaysToComplete: days from opening to completion of the cases completed (not cancelled) in the range, per
 * path (informal, formal), for all units and per unit, against the path's target (config.reports).
 */
export function daysToComplete(targets: TargetDays) {
  return pagedStream({
    method: ReportService.method.daysToComplete,
    batch: "rows",
    read(request, context) {
      const caller = callerOf(context);
      const bounds = reportBounds(request.filter);
      const sql = new ReportSql();
      const scoped = scopedCases(sql, caller, bounds, "final");
      const range = sql.inRange("s.status_since", bounds);
      const informal = sql.param(targets.informalTargetDays);
      const formal = sql.param(targets.formalTargetDays);
      // GROUPING SETS gives the all-units row of each path in the same pass as the per-unit rows.
      const rows = `
        WITH scoped AS (${scoped}),
        done AS (
          SELECT s.unit_id, s.formal, extract(epoch FROM s.status_since - s.created_at)::float8 / 86400 AS days
          FROM scoped s WHERE s.is_final AND NOT s.is_cancel AND ${range}
        ),
        grouped AS (
          SELECT d.unit_id, d.formal, grouping(d.unit_id) AS all_units, count(*)::int AS cases,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY d.days) AS p50_days,
                 percentile_cont(0.9) WITHIN GROUP (ORDER BY d.days) AS p90_days,
                 max(d.days) AS max_days,
                 count(*) FILTER (WHERE d.days <= CASE WHEN d.formal THEN ${formal}::int
                                                       ELSE ${informal}::int END)::int AS within_target
          FROM done d GROUP BY GROUPING SETS ((d.formal), (d.formal, d.unit_id))
        )
        SELECT CASE WHEN g.all_units = 1 THEN NULL ELSE g.unit_id END AS unit_id, u.name AS unit_name, u.pas_code,
               g.formal, g.cases, g.p50_days, g.p90_days, g.max_days, g.within_target,
               row_number() OVER (ORDER BY g.all_units DESC, g.formal, g.unit_id) AS ord
        FROM grouped g LEFT JOIN units u ON u.id = g.unit_id AND g.all_units = 0`;
      return { query: orderedReport<DaysToCompleteSqlRow>(sql, rows) };
    },
    item: (row: DaysToCompleteSqlRow) => ({
      unit:
        row.unit_id === null
          ? ALL_UNITS
          : { id: row.unit_id, name: row.unit_name ?? "", pasCode: row.pas_code ?? "" },
      formal: row.formal,
      cases: row.cases,
      p50Days: roundDays(row.p50_days),
      p90Days: roundDays(row.p90_days),
      maxDays: roundDays(row.max_days),
      targetDays: targetDaysOf(row.formal, targets),
      withinTarget: row.within_target,
      shareWithinTarget: share(row.within_target, row.cases),
    }),
  });
}
