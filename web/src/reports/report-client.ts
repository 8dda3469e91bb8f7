import { createClient } from "@connectrpc/connect";
import { ReportService } from "../../../src/gen/ect/v1/report_service_pb.js";
import { transport } from "../api.js";
import { downloadCsv } from "../download.js";

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
export function downloadReportCsv(
  route: string,
  filter: ReportFilterValues,
  fileName: string,
): Promise<number> {
  const query = filterQuery(filter);
  return downloadCsv(`/ect/v1/reports/${route}${query ? `?${query}` : ""}`, fileName);
}
