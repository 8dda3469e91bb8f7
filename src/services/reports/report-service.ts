import type { ServiceImpl } from "@connectrpc/connect";
import type { CalendarClock } from "../../domain/investigation/calendar-clock.js";
import type { TargetDays } from "../../domain/reports/report-figures.js";
import type { ReportService } from "../../gen/ect/v1/report_service_pb.js";
import { connectHandler } from "../../streams/connect-handler.js";
import type { StreamSource } from "../../streams/page-source.js";
import { daysToComplete } from "./days-to-complete.js";
import { lodStatistics } from "./lod-statistics.js";
import { rwoaReasons } from "./rwoa-reasons.js";
import { suspense } from "./suspense.js";
import { timeInStatus } from "./time-in-status.js";

/** What the reports need: the database and page sizes, the targets (config.reports) and the suspense calendar. */
export interface ReportDeps extends StreamSource {
  targets: TargetDays;
  clock: CalendarClock;
}

/** ect.v1.ReportService: the program manager's reports, each a stream of row batches. */
export function reportService(deps: ReportDeps): ServiceImpl<typeof ReportService> {
  // Each page of a report runs its whole aggregate again, so reports start with a full page: a report of up
  // to a page of rows (most are) costs one query, where the small first page of case streams would cost two.
  const source = { db: deps.db, streaming: { ...deps.streaming, firstPageSize: deps.streaming.pageSize } };
  return {
    lodStatistics: connectHandler(lodStatistics, source),
    daysToComplete: connectHandler(daysToComplete(deps.targets), source),
    timeInStatus: connectHandler(timeInStatus, source),
    suspense: connectHandler(suspense(deps.clock), source),
    rwoaReasons: connectHandler(rwoaReasons, source),
  };
}
