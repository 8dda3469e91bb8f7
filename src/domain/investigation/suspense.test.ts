import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { addDays, appointmentSuspense, daysBetween, extendedSuspense, suspenseState } from "./suspense.js";

/** The field an INVALID_ARGUMENT names. */
function refusedField(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    const connectError = ConnectError.from(error);
    assert.equal(connectError.code, Code.InvalidArgument);
    return connectError.rawMessage.split(":")[0];
  }
  assert.fail("expected INVALID_ARGUMENT");
}

describe("the suspense of an investigation", () => {
  it("defaults to today plus the configured days, across month and leap-year ends", () => {
    assert.equal(appointmentSuspense("", "2026-03-02", 50), "2026-04-21");
    assert.equal(addDays("2028-02-28", 1), "2028-02-29");
    assert.equal(addDays("2026-12-31", 1), "2027-01-01");
  });

  it("takes a requested date after today, and refuses one not after it or not a date, naming suspense_date", () => {
    assert.equal(appointmentSuspense("2026-05-01", "2026-03-02", 50), "2026-05-01");
    assert.equal(
      refusedField(() => appointmentSuspense("2026-03-02", "2026-03-02", 50)),
      "suspense_date",
    );
    assert.equal(
      refusedField(() => appointmentSuspense("2026-02-30", "2026-03-02", 50)),
      "suspense_date",
    );
  });

  it("counts the days left against the given day: 0 on the day, negative once past", () => {
    assert.equal(daysBetween("2026-03-02", "2026-04-21"), 50);
    // The last date read is remembered; an invalid one after it is still refused, and a valid one after that read.
    assert.throws(() => daysBetween("2026-04-21", "2026-02-30"));
    assert.throws(() => daysBetween("2026-02-30", "2026-02-30"));
    assert.equal(daysBetween("2026-04-21", "2026-04-21"), 0);
    assert.deepEqual(suspenseState("2026-04-21", "2026-04-21", true), { daysToSuspense: 0, overdue: false });
    assert.deepEqual(suspenseState("2026-04-21", "2026-04-23", true), { daysToSuspense: -2, overdue: true });
  });

  it("is overdue only while the investigating officer still holds the case", () => {
    assert.equal(suspenseState("2026-04-21", "2026-05-01", false).overdue, false);
  });

  it("extends only to a later date than the current one", () => {
    assert.equal(extendedSuspense("2026-05-01", "2026-04-21"), "2026-05-01");
    assert.equal(
      refusedField(() => extendedSuspense("2026-04-21", "2026-04-21")),
      "suspense_date",
    );
    assert.equal(
      refusedField(() => extendedSuspense("", "2026-04-21")),
      "suspense_date",
    );
  });
});
