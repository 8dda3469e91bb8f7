import assert from "node:assert/strict";
import { test } from "node:test";
import { OVERDUE_AFTER_DAYS, statusAge } from "./status-age.js";

test("a case that arrived today has been 0 days in its status and is not overdue", () => {
  assert.deepEqual(statusAge(new Date("2026-11-27T00:00:00Z"), "2026-11-27", true), {
    daysInStatus: 0,
    overdue: false,
  });
});

test("an open case is overdue only after more than the legacy 10 days in one status", () => {
  assert.equal(OVERDUE_AFTER_DAYS, 10);
  assert.deepEqual(statusAge(new Date("2026-11-17T00:00:00Z"), "2026-11-27", true), {
    daysInStatus: 10,
    overdue: false,
  });
  assert.deepEqual(statusAge(new Date("2026-11-16T00:00:00Z"), "2026-11-27", true), {
    daysInStatus: 11,
    overdue: true,
  });
});

test("a closed case is never overdue however long it has been final", () => {
  assert.deepEqual(statusAge(new Date("2025-01-01T00:00:00Z"), "2026-01-01", false), {
    daysInStatus: 365,
    overdue: false,
  });
});

test("an instant counts by its UTC date, from the first to the last second of the day", () => {
  assert.deepEqual(statusAge(new Date("2026-11-16T00:00:00Z"), "2026-11-27", true), {
    daysInStatus: 11,
    overdue: true,
  });
  assert.equal(statusAge(new Date("2026-11-16T23:59:59.999Z"), "2026-11-27", true).daysInStatus, 11);
  assert.equal(statusAge(new Date("2026-11-17T00:00:00Z"), "2026-11-27", true).daysInStatus, 10);
  assert.equal(statusAge(new Date("1969-12-31T12:00:00Z"), "1970-01-02", true).daysInStatus, 2);
  assert.equal(statusAge(new Date("2026-11-28T01:00:00Z"), "2026-11-27", true).daysInStatus, 0);
});

test("days are calendar days across a month end and never negative when the clock is behind", () => {
  assert.equal(statusAge(new Date("2026-10-30T00:00:00Z"), "2026-11-02", true).daysInStatus, 3);
  assert.equal(statusAge(new Date("2026-11-28T00:00:00Z"), "2026-11-27", true).daysInStatus, 0);
});
