import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  DaysToCompleteRowSchema,
  LodStatisticsRowSchema,
  RwoaReasonsRowSchema,
} from "../../../src/gen/ect/v1/report_service_pb.js";
import { daysToCompleteChart, lodStatisticsChart, rwoaReasonsChart } from "./report-charts.js";

describe("report charts", () => {
  it("sums LOD statistics over units per month, months in report order", () => {
    const row = (month: string, unit: number, opened: number, completed: number) =>
      create(LodStatisticsRowSchema, { month, unit: { id: unit }, opened, completed });
    const chart = lodStatisticsChart([
      row("2026-07", 10, 2, 1),
      row("2026-07", 11, 3, 0),
      row("2026-08", 10, 1, 4),
    ]);
    assert.deepEqual(chart.labels, ["2026-07", "2026-08"]);
    assert.deepEqual(chart.series[0], { label: "Opened", values: [5, 1] });
    assert.deepEqual(chart.series[1], { label: "Completed", values: [1, 4] });
    assert.deepEqual(chart.series[2], { label: "Cancelled", values: [0, 0] });
  });

  it("charts days to complete from the all-units rows only", () => {
    const chart = daysToCompleteChart([
      create(DaysToCompleteRowSchema, {
        unit: { name: "All units" },
        p50Days: 19,
        p90Days: 30,
        targetDays: 90,
      }),
      create(DaysToCompleteRowSchema, { unit: { id: 10 }, p50Days: 50, p90Days: 60, targetDays: 90 }),
    ]);
    assert.deepEqual(chart.labels, ["Informal"]);
    assert.deepEqual(
      chart.series.map((series) => series.values),
      [[19], [30], [90]],
    );
  });

  it("counts the cases of each reason over every role that gave it", () => {
    const row = (kind: string, reason: string, cases: number) =>
      create(RwoaReasonsRowSchema, { kind, reason, cases });
    const chart = rwoaReasonsChart([
      row("rwoa", "Docs", 3),
      row("rwoa", "Docs", 2),
      row("cancel", "Duplicate", 1),
    ]);
    assert.deepEqual(chart.labels, ["RWOA: Docs", "Cancel: Duplicate"]);
    assert.deepEqual(chart.series[0].values, [5, 1]);
  });
});
