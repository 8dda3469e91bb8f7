import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** A small uPlot line chart; created once, fed new data, destroyed on unmount. */
export function Chart(props: { title: string; data: uPlot.AlignedData; series: string; width?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>(null);
  useEffect(() => {
    const width = Math.min(props.width ?? 520, (host.current?.clientWidth || 320) - 8);
    plot.current = new uPlot(
      {
        title: props.title,
        width: Math.max(240, width),
        height: 180,
        series: [{}, { label: props.series, stroke: "#1d4ed8", fill: "rgba(29,78,216,0.12)", width: 2 }],
        axes: [{}, { label: props.series }],
      },
      [[], []],
      host.current!,
    );
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [props.title, props.series, props.width]);
  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);
  return <div ref={host} className="chart" role="img" aria-label={props.title} />;
}
