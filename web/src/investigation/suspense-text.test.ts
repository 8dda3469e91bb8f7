import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { suspenseText } from "./suspense-text.js";

describe("suspenseText", () => {
  it("says nothing for a case without a suspense", () => {
    assert.equal(suspenseText({ suspenseDate: "", daysToSuspense: 0, suspenseOverdue: false }), "");
  });
  it("counts the days left, one day singular, the day itself as due today", () => {
    const at = (daysToSuspense: number) =>
      suspenseText({ suspenseDate: "2026-12-09", daysToSuspense, suspenseOverdue: false });
    assert.equal(at(12), "12 days left (suspense 2026-12-09)");
    assert.equal(at(1), "1 day left (suspense 2026-12-09)");
    assert.equal(at(0), "Due today (suspense 2026-12-09)");
  });
  it("says overdue in words with a warning sign, counting the days past", () => {
    assert.equal(
      suspenseText({ suspenseDate: "2026-11-24", daysToSuspense: -3, suspenseOverdue: true }),
      "⚠ Overdue by 3 days (suspense 2026-11-24)",
    );
  });
  it("a passed suspense the IO no longer holds is not called overdue", () => {
    assert.equal(
      suspenseText({ suspenseDate: "2026-11-24", daysToSuspense: -3, suspenseOverdue: false }),
      "Suspense 2026-11-24 (passed)",
    );
  });
  it("a closed case's suspense counts no days", () => {
    assert.equal(
      suspenseText({ suspenseDate: "2027-02-15", daysToSuspense: 28, suspenseOverdue: false }, true),
      "Suspense 2027-02-15 (case closed)",
    );
  });
});
