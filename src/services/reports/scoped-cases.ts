import type { Caller } from "../../auth/caller-context.js";
import type { KeysetQuery } from "../../db/keyset.js";
import type { ReportBounds } from "../../domain/reports/report-filter.js";
import { CaseState, Module } from "../../gen/ect/v1/resources_pb.js";
import { caseConditions } from "../cases/case-queries.js";

/** A report's SQL and its parameters, built up as the report adds conditions. */
export class ReportSql {
  readonly params: unknown[] = [];

  /** Adds a parameter and returns its placeholder ($n). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /**
   * The condition that `column` (a timestamptz) falls in the report's range, on UTC calendar days: the
   * server's TimeZone setting must not move a case from one day to the next.
   */
  inRange(column: string, bounds: ReportBounds): string {
    const day = `(${column} AT TIME ZONE 'UTC')::date`;
    const from = bounds.from ? `${day} >= ${this.param(bounds.from)}::date` : "true";
    const before = bounds.before ? `${day} < ${this.param(bounds.before)}::date` : "true";
    return `(${from} AND ${before})`;
  }
}

/** Which cases of a report need `status_since`: looking it up costs an index probe per case. */
export type StatusSinceOf = "final" | "open" | "none";

const statusSinceCondition: Record<StatusSinceOf, string> = {
  final: "sc.is_final",
  open: "NOT sc.is_final",
  none: "false",
};

/**
 * The Line of Duty cases in the caller's scope (and in the filter's unit), as a CTE body: every report starts
 * from it. `status_since` is when the case entered its current status (its latest tracking row), which for a
 * final status is when it was completed or cancelled; it is null for the cases `since` leaves out.
 */
export function scopedCases(
  sql: ReportSql,
  caller: Caller,
  bounds: ReportBounds,
  since: StatusSinceOf,
): string {
  const conditions = scopeConditions(sql, caller, bounds);
  return `SELECT c.id, c.case_number, c.unit_id, c.created_at, sc.id AS status_code_id, sc.description AS status,
                 sc.role_id, sc.is_final, sc.is_cancel, coalesce(ld.formal_investigation, false) AS formal,
                 ld.finding_id, st.start_time AS status_since
          FROM cases c
          JOIN work_statuses ws ON ws.id = c.work_status_id
          JOIN status_codes sc ON sc.id = ws.status_code_id
          LEFT JOIN lod_details ld ON ld.case_id = c.id
          LEFT JOIN LATERAL (SELECT t.start_time FROM tracking t
                             WHERE t.case_id = c.id AND ${statusSinceCondition[since]}
                             ORDER BY t.id DESC LIMIT 1) st ON true
          WHERE ${conditions.join(" AND ")}`;
}

/** The conditions on cases `c` of every report: Line of Duty, in the caller's scope and the filter's unit. */
export function scopeConditions(sql: ReportSql, caller: Caller, bounds: ReportBounds): string[] {
  return caseConditions(
    caller,
    {
      workStatusIds: [],
      module: Module.LOD,
      unitId: bounds.unitId,
      waitingOnMyRole: false,
      state: CaseState.UNSPECIFIED,
    },
    sql.params,
  );
}

/** A report row as the keyset reads it: numbered by the report's own order. */
export interface Ordered {
  ord: number | string;
}

/**
 * Pages through a report's rows by their number in the report's order (`ord`, from row_number()): reports
 * are aggregates with no natural key, and most fit in the first page, so numbering costs nothing.
 */
export function orderedReport<Row extends Ordered>(
  report: ReportSql,
  rowsSql: string,
): KeysetQuery<Row, number> {
  return {
    page(after, limit) {
      const params = [...report.params, after ?? 0, limit];
      const n = report.params.length;
      return {
        sql: `SELECT * FROM (${rowsSql}) report WHERE report.ord > $${n + 1} ORDER BY report.ord LIMIT $${n + 2}`,
        params,
      };
    },
    keyOf: (row) => Number(row.ord),
  };
}
