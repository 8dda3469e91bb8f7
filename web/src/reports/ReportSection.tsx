import { type ReactNode, useState } from "react";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { ReportChart } from "./ReportChart.js";
import type { ChartData } from "./report-charts.js";
import { downloadReportCsv, type ReportFilterValues } from "./report-client.js";

/** One column of a report's table: its header and how a row shows in it. */
export interface ReportColumn<R> {
  header: string;
  cell: (row: R) => ReactNode;
  numeric?: boolean;
}

/** The most rows a report's table shows; the CSV download has them all. */
const shownRows = 200;

/**
 * A report on the page: its chart, the chart's figures as a table, the report's rows as a table under it,
 * and "Download CSV" of the same report from its REST route.
 */
export function ReportSection<R>(props: {
  id: string;
  title: string;
  route: string;
  filter: ReportFilterValues;
  rows: readonly R[] | undefined;
  error: string;
  chart: (rows: readonly R[]) => ChartData;
  columns: ReportColumn<R>[];
}) {
  const { id, title, rows } = props;
  const [download, setDownload] = useState({ note: "", error: "" });
  const chart = rows ? props.chart(rows) : undefined;
  return (
    <section className="panel wide report" aria-labelledby={`${id}-title`} data-testid={`report-${id}`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div className="buttons">
        <button
          type="button"
          data-testid={`${id}-csv`}
          onClick={() => {
            setDownload({ note: "Downloading…", error: "" });
            downloadReportCsv(props.route, props.filter, `${props.route}.csv`).then(
              (count) => setDownload({ note: `Downloaded ${count} rows as ${props.route}.csv`, error: "" }),
              (error: unknown) => setDownload({ note: "", error: String((error as Error).message ?? error) }),
            );
          }}
        >
          Download CSV
        </button>
        <span role="status" data-testid={`${id}-csv-status`}>
          {download.note}
        </span>
      </div>
      <ErrorAlert text={props.error || download.error} />
      {!rows && !props.error && <p className="muted">Loading…</p>}
      {rows && rows.length === 0 && <p data-testid={`${id}-empty`}>No rows for this filter.</p>}
      {chart && rows && rows.length > 0 && (
        <>
          <ReportChart title={title} data={chart} tableId={id} />
          <ChartTable id={id} title={title} chart={chart} />
          <div className="table-wrap">
            <table data-testid={`${id}-rows`}>
              <caption>
                {title}: {rows.length} rows{rows.length > shownRows ? ` (the first ${shownRows} shown)` : ""}
              </caption>
              <thead>
                <tr>
                  {props.columns.map((column) => (
                    <th key={column.header} scope="col">
                      {column.header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, shownRows).map((row, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: report rows have no id; their order is the report's
                  <tr key={i}>
                    {props.columns.map((column) => (
                      <td key={column.header} className={column.numeric ? "num" : undefined}>
                        {column.cell(row)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** The chart's figures as a table: the text alternative of the chart (Section 508). */
function ChartTable(props: { id: string; title: string; chart: ChartData }) {
  const { chart } = props;
  return (
    <div className="table-wrap">
      <table data-testid={`${props.id}-chart-table`}>
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            {chart.series.map((series) => (
              <th key={series.label} scope="col">
                {series.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {chart.labels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {chart.series.map((series) => (
                <td key={series.label} className="num">
                  {series.values[i]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
