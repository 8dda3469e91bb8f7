import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../investigation/suspense.js";
import { type ReminderTiming, reminderDue } from "./reminder-due.js";

const ANCHOR = "2026-03-02";
const rule: ReminderTiming = { remindAfterDays: 10, repeatEveryDays: 5, escalateAfterDays: 20 };

/** Walks the calendar day by day from the anchor, recording the days a reminder goes out. */
function walk(timing: ReminderTiming, days: number, anchor = ANCHOR) {
  let last: string | null = null;
  const sent: string[] = [];
  for (let offset = -5; offset <= days; offset++) {
    const today = addDays(anchor, offset);
    const decision = reminderDue(timing, anchor, today, last);
    if (!decision.remind) continue;
    last = today;
    sent.push(`${decision.day}${decision.escalate ? "!" : ""}`);
  }
  return sent;
}

describe("reminderDue", () => {
  it("reminds after N days, repeats every M and escalates from K on", () => {
    assert.deepEqual(walk(rule, 31), ["10", "15", "20!", "25!", "30!"]);
  });

  it("reminds once when the rule does not repeat", () => {
    assert.deepEqual(walk({ ...rule, repeatEveryDays: 0, escalateAfterDays: null }, 40), ["10"]);
  });

  it("catches up a missed day once, then repeats from the day it was sent", () => {
    assert.deepEqual(reminderDue(rule, ANCHOR, addDays(ANCHOR, 13), null), {
      remind: true,
      escalate: false,
      day: 13,
    });
    assert.equal(reminderDue(rule, ANCHOR, addDays(ANCHOR, 17), addDays(ANCHOR, 13)).remind, false);
    assert.equal(reminderDue(rule, ANCHOR, addDays(ANCHOR, 18), addDays(ANCHOR, 13)).remind, true);
  });

  it("counts a suspense rule from the suspense date: near before it, escalated once it is past", () => {
    const suspense: ReminderTiming = { remindAfterDays: -3, repeatEveryDays: 1, escalateAfterDays: 1 };
    assert.deepEqual(walk(suspense, 2), ["-3", "-2", "-1", "0", "1!", "2!"]);
  });
});
