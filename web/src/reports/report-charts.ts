import type {
  DaysToCompleteRow,
  LodStatisticsRow,
  RwoaReasonsRow,
  SuspenseRow,
  TimeInStatusRow,
} from "../../../src/gen/ect/v1/report_service_pb.js";

/** What a report's chart shows: one label per point on the x axis and one or more series over them. */
export interface ChartData {
  labels: string[];
  series: { label: string; values: number[] }[];
}

/** Sums each series' value of rows per label, labels in first-seen order. */
function totals<R>(rows: readonly R[], key: (row: R) => string, picks: [string, (row: R) => number][]) {
  const labels: string[] = [];
  const sums = new Map<string, number[]>();
  const names = picks.map(([name]) => name);
  for (const row of rows) {
    const label = key(row);
    if (!sums.has(label)) {
      labels.push(label);
      sums.set(
        label,
        names.map(() => 0),
      );
    }
    const values = sums.get(label)!;
    picks.forEach(([, pick], i) => {
      values[i] += pick(row);
    });
  }
  return {
    labels,
    series: names.map((name, i) => ({ label: name, values: labels.map((label) => sums.get(label)![i]) })),
  };
}

/** LOD statistics: opened, completed and cancelled per month, over every unit of the report. */
export function lodStatisticsChart(rows: readonly LodStatisticsRow[]): ChartData {
  return totals(rows, (row) => row.month, [
    ["Opened", (row) => row.opened],
    ["Completed", (row) => row.completed],
    ["Cancelled", (row) => row.cancelled],
  ]);
}

/** Days to complete: p50, p90 and the target of each path, for all units together. */
export function daysToCompleteChart(rows: readonly DaysToCompleteRow[]): ChartData {
  const all = rows.filter((row) => !row.unit?.id);
  return {
    labels: all.map((row) => (row.formal ? "Formal" : "Informal")),
    series: [
      { label: "p50 days", values: all.map((row) => row.p50Days) },
      { label: "p90 days", values: all.map((row) => row.p90Days) },
      { label: "Target days", values: all.map((row) => row.targetDays) },
    ],
  };
}

/** Time in status: p50 and p90 days per status. */
export function timeInStatusChart(rows: readonly TimeInStatusRow[]): ChartData {
  return {
    labels: rows.map((row) => row.status),
    series: [
      { label: "p50 days", values: rows.map((row) => row.p50Days) },
      { label: "p90 days", values: rows.map((row) => row.p90Days) },
    ],
  };
}

/** Suspense: how many listed cases wait at each status. */
export function suspenseChart(rows: readonly SuspenseRow[]): ChartData {
  return totals(rows, (row) => row.status, [["Cases past due", () => 1]]);
}

/** RWOA and cancellation reasons: cases per reason, over every role. */
export function rwoaReasonsChart(rows: readonly RwoaReasonsRow[]): ChartData {
  return totals(rows, (row) => `${row.kind === "cancel" ? "Cancel" : "RWOA"}: ${row.reason}`, [
    ["Cases", (row) => row.cases],
  ]);
}
