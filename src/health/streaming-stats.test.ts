import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StreamingStats } from "./streaming-stats.js";

describe("StreamingStats", () => {
  test("with nothing recorded every figure is 0", () => {
    assert.deepEqual(new StreamingStats().recent(), {
      recentFailures: 0,
      firstItemP50Ms: 0,
      firstItemP99Ms: 0,
    });
  });

  test("the first-item percentiles come from the recorded times, whatever their order", () => {
    const stats = new StreamingStats();
    for (let ms = 100; ms >= 1; ms--) stats.recordFirstItem(ms);
    const { firstItemP50Ms, firstItemP99Ms } = stats.recent();
    assert.equal(firstItemP50Ms, 51);
    assert.equal(firstItemP99Ms, 100);
  });

  test("only the latest samples count: an old slow stream ages out", () => {
    const stats = new StreamingStats({ firstItemSamples: 3 });
    stats.recordFirstItem(5_000);
    for (const ms of [1, 2, 3]) stats.recordFirstItem(ms);
    assert.equal(stats.recent().firstItemP99Ms, 3);
  });

  test("a rejection counts while it is within the window, then no longer", () => {
    let now = 1_000_000;
    const stats = new StreamingStats({ rejectionWindowMs: 60_000, now: () => now });
    stats.recordRejection();
    now += 30_000;
    stats.recordRejection();
    assert.equal(stats.recent().recentFailures, 2);
    now += 30_001;
    assert.equal(stats.recent().recentFailures, 1);
    now += 30_000;
    assert.equal(stats.recent().recentFailures, 0);
  });

  test("a flood of rejections is remembered up to the cap, not without bound", () => {
    const stats = new StreamingStats({ maxRejections: 5, now: () => 0 });
    for (let i = 0; i < 50; i++) stats.recordRejection();
    assert.equal(stats.recent().recentFailures, 5);
  });
});
