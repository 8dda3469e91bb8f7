import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { roundDays, share, targetDaysOf } from "./report-figures.js";

describe("report figures", () => {
  it("gives a share 0–1 rounded to four places, and 0 of nothing", () => {
    assert.equal(share(1, 3), 0.3333);
    assert.equal(share(3, 3), 1);
    assert.equal(share(0, 0), 0);
  });

  it("rounds days to one decimal, whatever the driver returned (number or numeric text)", () => {
    assert.equal(roundDays(19.16), 19.2);
    assert.equal(roundDays("2.349"), 2.3);
    assert.equal(roundDays(null), 0);
  });

  it("measures each path against its own target", () => {
    const targets = { informalTargetDays: 90, formalTargetDays: 160 };
    assert.equal(targetDaysOf(false, targets), 90);
    assert.equal(targetDaysOf(true, targets), 160);
  });
});
