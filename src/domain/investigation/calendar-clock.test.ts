import assert from "node:assert/strict";
import { describe, it } from "node:test";
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
