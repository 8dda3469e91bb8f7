import { useState } from "react";
import type {
  DaysToCompleteRow,
  LodStatisticsRow,
  RwoaReasonsRow,
  SuspenseRow,
  TimeInStatusRow,
} from "../../../src/gen/ect/v1/report_service_pb.js";
import { Link } from "../router.js";
import { ReportSection } from "./ReportSection.js";
import {
  daysToCompleteChart,
  lodStatisticsChart,
  rwoaReasonsChart,
  suspenseChart,
  timeInStatusChart,
} from "./report-charts.js";
import { type ReportFilterValues, reportClient } from "./report-client.js";
import { useReport } from "./useReport.js";

const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;
const unitName = (row: { unit?: { name: string } }) => row.unit?.name ?? "";

/**
 * The LOD program manager's reports over the caller's units: a filter (date range, unit) and per report a
 * chart, its figures and rows as tables, and a CSV download of the same report.
 */
export function ReportsPage() {
  const [draft, setDraft] = useState<ReportFilterValues>({ fromDate: "", toDate: "", unitId: 0 });
  const [filter, setFilter] = useState<ReportFilterValues>(draft);
  const [units, setUnits] = useState<Map<number, string>>(new Map());
  const statistics = useReport<LodStatisticsRow>(reportClient.lodStatistics, filter);
  const days = useReport<DaysToCompleteRow>(reportClient.daysToComplete, filter);
  const waits = useReport<TimeInStatusRow>(reportClient.timeInStatus, filter);
  const suspense = useReport<SuspenseRow>(reportClient.suspense, filter);
  const reasons = useReport<RwoaReasonsRow>(reportClient.rwoaReasons, filter);
  // The unit choices are the units the reports have shown: the caller's units that have cases.
  const seen = statistics.rows?.filter((row) => row.unit && !units.has(row.unit.id)) ?? [];
  if (seen.length > 0) {
    const next = new Map(units);
    for (const row of seen) if (row.unit) next.set(row.unit.id, row.unit.name);
    setUnits(next);
  }
  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">Reports</h1>
      <form
        className="filters"
        aria-label="Report filter"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter({ ...draft });
        }}
      >
        <label>
          From{" "}
          <input
            type="date"
            data-testid="report-from"
            value={draft.fromDate}
            onChange={(e) => setDraft({ ...draft, fromDate: e.target.value })}
          />
        </label>
        <label>
          To{" "}
          <input
            type="date"
            data-testid="report-to"
            value={draft.toDate}
            onChange={(e) => setDraft({ ...draft, toDate: e.target.value })}
          />
        </label>
        <label>
          Unit{" "}
          <select
            data-testid="report-unit"
            value={draft.unitId}
            onChange={(e) => setDraft({ ...draft, unitId: Number(e.target.value) })}
          >
            <option value={0}>All my units</option>
            {[...units]
              .sort(([a], [b]) => a - b)
              .map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
          </select>
        </label>
        <button type="submit" data-testid="report-apply">
          Apply
        </button>
      </form>
      <ReportSection
        id="lod-statistics"
        title="LOD statistics per month"
        route="lodStatistics"
        filter={filter}
        {...statistics}
        chart={lodStatisticsChart}
        columns={[
          { header: "Month", cell: (row) => row.month },
          { header: "Unit", cell: unitName },
          { header: "Opened", cell: (row) => row.opened, numeric: true },
          { header: "Completed", cell: (row) => row.completed, numeric: true },
          { header: "Cancelled", cell: (row) => row.cancelled, numeric: true },
          { header: "Formal", cell: (row) => row.completedFormal, numeric: true },
          { header: "Informal", cell: (row) => row.completedInformal, numeric: true },
          { header: "ILOD", cell: (row) => row.inLineOfDuty, numeric: true },
          { header: "NILOD misconduct", cell: (row) => row.nilodMisconduct, numeric: true },
          { header: "NILOD not misconduct", cell: (row) => row.nilodNotMisconduct, numeric: true },
          { header: "EPTS LOD n/a", cell: (row) => row.eptsLodNotApplicable, numeric: true },
          { header: "EPTS aggravated", cell: (row) => row.eptsServiceAggravated, numeric: true },
        ]}
      />
      <ReportSection
        id="days-to-complete"
        title="Days to complete"
        route="daysToComplete"
        filter={filter}
        {...days}
        chart={daysToCompleteChart}
        columns={[
          { header: "Unit", cell: unitName },
          { header: "Path", cell: (row) => (row.formal ? "Formal" : "Informal") },
          { header: "Cases", cell: (row) => row.cases, numeric: true },
          { header: "p50 days", cell: (row) => row.p50Days, numeric: true },
          { header: "p90 days", cell: (row) => row.p90Days, numeric: true },
          { header: "Max days", cell: (row) => row.maxDays, numeric: true },
          { header: "Target days", cell: (row) => row.targetDays, numeric: true },
          { header: "Within target", cell: (row) => percent(row.shareWithinTarget), numeric: true },
        ]}
      />
      <ReportSection
        id="time-in-status"
        title="Time in status per role"
        route="timeInStatus"
        filter={filter}
        {...waits}
        chart={timeInStatusChart}
        columns={[
          { header: "Role", cell: (row) => row.role },
          { header: "Status", cell: (row) => row.status },
          { header: "Stays", cell: (row) => row.stays, numeric: true },
          { header: "p50 days", cell: (row) => row.p50Days, numeric: true },
          { header: "p90 days", cell: (row) => row.p90Days, numeric: true },
          { header: "Max days", cell: (row) => row.maxDays, numeric: true },
        ]}
      />
      <ReportSection
        id="suspense"
        title="Suspense monitoring"
        route="suspense"
        filter={filter}
        {...suspense}
        chart={suspenseChart}
        columns={[
          { header: "Case", cell: (row) => <Link href={`/cases/${row.caseId}`}>{row.caseNumber}</Link> },
          { header: "Unit", cell: unitName },
          { header: "Status", cell: (row) => row.status },
          { header: "Since", cell: (row) => row.statusSince },
          { header: "Days in status", cell: (row) => row.daysInStatus, numeric: true },
          { header: "Days open", cell: (row) => row.daysOpen, numeric: true },
          {
            header: "Suspense",
            cell: (row) =>
              row.pastSuspense ? `${row.suspenseDate} (${row.daysPastSuspense} days past)` : row.suspenseDate,
          },
        ]}
      />
      <ReportSection
        id="rwoa-reasons"
        title="RWOA and cancellation reasons"
        route="rwoaReasons"
        filter={filter}
        {...reasons}
        chart={rwoaReasonsChart}
        columns={[
          { header: "Kind", cell: (row) => (row.kind === "cancel" ? "Cancellation" : "RWOA") },
          { header: "Reason", cell: (row) => row.reason },
          { header: "By role", cell: (row) => row.role },
          { header: "Times", cell: (row) => row.actions, numeric: true },
          { header: "Cases", cell: (row) => row.cases, numeric: true },
          { header: "Rate", cell: (row) => percent(row.rate), numeric: true },
        ]}
      />
    </section>
  );
}
