import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectError } from "@connectrpc/connect";
import { OVERDUE_AFTER_DAYS } from "../status-age.js";
import { daysAtStatus, reportBounds } from "./report-filter.js";

const refusal = (field: string) => (error: unknown) =>
  error instanceof ConnectError && error.code === 3 && error.message.includes(field);

describe("report filter", () => {
  it("turns an inclusive date range into a half-open one ending the day after `to`", () => {
    assert.deepEqual(reportBounds({ fromDate: "2026-01-01", toDate: "2026-01-31", unitId: 10 }), {
      from: "2026-01-01",
      before: "2026-02-01",
      unitId: 10,
    });
  });

  it("leaves an empty bound open and a missing filter covers everything", () => {
    assert.deepEqual(reportBounds({ fromDate: "", toDate: "2026-12-31", unitId: 0 }), {
      from: null,
      before: "2027-01-01",
      unitId: 0,
    });
    assert.deepEqual(reportBounds(undefined), { from: null, before: null, unitId: 0 });
  });

  it("refuses a date that is not a calendar day, naming the field", () => {
    assert.throws(
      () => reportBounds({ fromDate: "2026-02-30", toDate: "", unitId: 0 }),
      refusal("filter.from_date"),
    );
    assert.throws(
      () => reportBounds({ fromDate: "", toDate: "31/01/2026", unitId: 0 }),
      refusal("filter.to_date"),
    );
  });

  it("refuses a range that ends before it starts, or spans more than twenty years", () => {
    assert.throws(
      () => reportBounds({ fromDate: "2026-02-01", toDate: "2026-01-31", unitId: 0 }),
      refusal("filter.to_date"),
    );
    assert.throws(
      () => reportBounds({ fromDate: "1900-01-01", toDate: "2026-01-31", unitId: 0 }),
      refusal("filter.to_date"),
    );
  });

  it("refuses a negative unit id", () => {
    assert.throws(() => reportBounds({ fromDate: "", toDate: "", unitId: -1 }), refusal("filter.unit_id"));
  });

  it("takes 10 days at a status by default (the legacy overdue rule) and refuses nonsense", () => {
    assert.equal(daysAtStatus(0), OVERDUE_AFTER_DAYS);
    assert.equal(OVERDUE_AFTER_DAYS, 10);
    assert.equal(daysAtStatus(30), 30);
    assert.throws(() => daysAtStatus(-3), refusal("days_at_status"));
    assert.throws(() => daysAtStatus(4000), refusal("days_at_status"));
  });
});
