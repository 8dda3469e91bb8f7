import { createClient } from "@connectrpc/connect";
import { ReportService } from "../../../src/gen/ect/v1/report_service_pb.js";
import { transport } from "../api.js";
import { loadSession } from "../session.js";

/** The ReportService client of the Reports page, on the app's one transport. */
export const reportClient = createClient(ReportService, transport);

/** The filter every report takes, as the page holds it. */
export interface ReportFilterValues {
  fromDate: string;
  toDate: string;
  unitId: number;
}

/** The REST query string of a filter (the same fields the RPC takes). */
export function filterQuery(filter: ReportFilterValues): string {
  const query = new URLSearchParams();
  if (filter.fromDate) query.set("filter.fromDate", filter.fromDate);
  if (filter.toDate) query.set("filter.toDate", filter.toDate);
  if (filter.unitId) query.set("filter.unitId", String(filter.unitId));
  return query.toString();
}

/**
 * Downloads a report as CSV from its REST route (Accept: text/csv) and hands it to the browser as a file;
 * resolves with the number of data rows, or rejects with the server's error text.
 */
export async function downloadCsv(
  route: string,
  filter: ReportFilterValues,
  fileName: string,
): Promise<number> {
  const query = filterQuery(filter);
  const response = await fetch(`/ect/v1/reports/${route}${query ? `?${query}` : ""}`, {
    headers: { accept: "text/csv", authorization: `Bearer ${loadSession()?.token ?? ""}` },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Download failed (${response.status}): ${text.slice(0, 200)}`);
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return Math.max(0, text.split("\r\n").filter(Boolean).length - 1);
}
