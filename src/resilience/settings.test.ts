import assert from "node:assert/strict";
import { test } from "node:test";
import { bulkheadFor, defaultResilienceSettings } from "./settings.js";

test("the defaults are the numbers of REQUIREMENTS §2 and §3", () => {
  const s = defaultResilienceSettings;
  assert.deepEqual(s.breaker, {
    failureRatio: 0.5,
    samplingWindowMs: 10_000,
    minimumThroughput: 10,
    breakDurationMs: 30_000,
  });
  assert.deepEqual(s.retry, { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000, jitter: true });
  assert.deepEqual(s.timeout, { unaryMs: 30_000, streamIdleMs: 120_000 });
  assert.deepEqual(s.bulkhead, { maxConcurrent: 90, maxQueue: 180 });
  assert.deepEqual(s.streams, {
    perCallerConcurrent: 100,
    processConcurrent: 1_000,
    perCallerItemsPerSecond: 10_000,
    perCallerItemsBurst: 10_000,
    acquireTimeoutMs: 5_000,
  });
  assert.equal(s.unauthenticated.requestsPerSecond, 10);
  assert.equal(s.unauthenticated.burst, 20);
});

test("the defaults cannot be changed by accident", () => {
  assert.ok(Object.isFrozen(defaultResilienceSettings));
  assert.ok(Object.isFrozen(defaultResilienceSettings.streams));
});

test("the bulkhead keeps ten connections free and queues twice its size, never below one slot", () => {
  assert.deepEqual(bulkheadFor(20), { maxConcurrent: 10, maxQueue: 20 });
  assert.deepEqual(bulkheadFor(5), { maxConcurrent: 1, maxQueue: 2 });
});
