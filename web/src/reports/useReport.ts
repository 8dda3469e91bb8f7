import { useState } from "react";
import { useAbortable } from "../hooks/useAbortable.js";
import type { ReportFilterValues } from "./report-client.js";

/** A report's streamed batches of rows, as its client method returns them. */
export type ReportCall<R> = (
  request: { filter: ReportFilterValues },
  options: { signal: AbortSignal },
) => AsyncIterable<{ rows: R[] }>;

/** Reads a report for the filter (again whenever it changes): its rows once the stream ended, or the error. */
export function useReport<R>(call: ReportCall<R>, filter: ReportFilterValues) {
  const [rows, setRows] = useState<R[]>();
  const { error } = useAbortable(
    async (signal) => {
      setRows(undefined);
      const all: R[] = [];
      for await (const batch of call({ filter }, { signal })) all.push(...batch.rows);
      setRows(all);
    },
    [filter],
  );
  return { rows, error };
}
