import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { loadConfig } from "../../config.js";
import { type manualClock, systemClock } from "./calendar-clock.js";

describe("the calendar suspenses are counted on", () => {
  it("is the wall clock unless ECT_IO_CLOCK sets a manual one, which stays on its day until set", () => {
    assert.equal(loadConfig({}).investigations.clock, systemClock);
    const clock = loadConfig({ ECT_IO_CLOCK: "2026-03-02" }).investigations.clock;
    assert.equal(clock.today(), "2026-03-02");
    (clock as ReturnType<typeof manualClock>).set("2026-04-30");
    assert.equal(clock.today(), "2026-04-30");
  });

  it("tells the wall clock's UTC date, turning at midnight and following the clock when it is set back", () => {
    mock.timers.enable({ apis: ["Date"], now: Date.parse("2026-11-27T23:59:59.999Z") });
    try {
      assert.equal(systemClock.today(), "2026-11-27");
      mock.timers.tick(1);
      assert.equal(systemClock.today(), "2026-11-28");
      mock.timers.setTime(Date.parse("2026-11-27T12:00:00Z"));
      assert.equal(systemClock.today(), "2026-11-27");
      mock.timers.setTime(Date.parse("2027-01-01T00:00:00Z"));
      assert.equal(systemClock.today(), "2027-01-01");
    } finally {
      mock.timers.reset();
    }
  });

  it("refuses ECT_IO_CLOCK under the production profile and a value that is not a date", () => {
    const production = {
      ECT_PROFILE: "production",
      ECT_AUTH_MODE: "development",
      ECT_ALLOW_DEVELOPMENT_AUTH_IN_PRODUCTION: "true",
    };
    assert.doesNotThrow(() => loadConfig(production));
    assert.throws(
      () => loadConfig({ ...production, ECT_IO_CLOCK: "2026-03-02" }),
      /ECT_IO_CLOCK is for tests only/,
    );
    assert.throws(() => loadConfig({ ECT_IO_CLOCK: "March 2" }), /ECT_IO_CLOCK must be a date/);
  });

  it("gives the IO a 50-day suspense unless ECT_IO_SUSPENSE_DAYS says otherwise (1–365)", () => {
    assert.equal(loadConfig({}).investigations.suspenseDays, 50);
    assert.equal(loadConfig({ ECT_IO_SUSPENSE_DAYS: "30" }).investigations.suspenseDays, 30);
    assert.throws(() => loadConfig({ ECT_IO_SUSPENSE_DAYS: "0" }), /ECT_IO_SUSPENSE_DAYS/);
  });
});
