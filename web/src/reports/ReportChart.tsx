import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChartData } from "./report-charts.js";

/** Series colours with at least 4.5:1 contrast on white, told apart by their point shape as well. */
const colours = ["#1d4ed8", "#b91c1c", "#047857", "#6d28d9"];

/**
 * A report's uPlot chart over categories (months, statuses, reasons): x is the category's index, its axis
 * shows the label. The chart is an image to assistive technology; the table it names carries the same figures.
 */
export function ReportChart(props: { title: string; data: ChartData; tableId: string }) {
  const host = useRef<HTMLDivElement>(null);
  const { title, data } = props;
  useEffect(() => {
    const width = Math.max(280, Math.min(900, (host.current?.clientWidth || 600) - 8));
    const labels = data.labels;
    const plot = new uPlot(
      {
        title,
        width,
        height: 240,
        scales: { x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] } },
        series: [
          {},
          ...data.series.map((series, i) => ({
            label: series.label,
            stroke: colours[i % colours.length],
            width: 2,
            points: { show: true, size: 7 + i * 2 },
          })),
        ],
        axes: [
          {
            splits: () => labels.map((_, i) => i),
            values: (_plot: uPlot, splits: number[]) => splits.map((i) => shorten(labels[i] ?? "")),
            rotate: labels.length > 6 ? -30 : 0,
            size: labels.length > 6 ? 90 : 40,
          },
          {},
        ],
      },
      [labels.map((_, i) => i), ...data.series.map((series) => series.values)],
      host.current!,
    );
    return () => plot.destroy();
  }, [title, data]);
  return (
    <div
      ref={host}
      className="chart"
      role="img"
      aria-label={`${title}: chart; the figures are in the table "${title}" below`}
      data-testid={`${props.tableId}-chart`}
    />
  );
}

function shorten(label: string): string {
  return label.length > 22 ? `${label.slice(0, 21)}…` : label;
}
