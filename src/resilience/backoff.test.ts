import assert from "node:assert/strict";
import { test } from "node:test";
import { retryDelayMs } from "./backoff.js";
import { defaultResilienceSettings } from "./settings.js";

const retry = defaultResilienceSettings.retry;
const exact = { ...retry, jitter: false };

test("delays double from 100 ms and stop at the 1 s cap", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, exact)),
    [100, 200, 400, 800, 1000],
  );
});

test("jitter keeps each delay within the upper half of its exponential step", () => {
  assert.equal(
    retryDelayMs(1, retry, () => 0),
    50,
  );
  assert.equal(
    retryDelayMs(1, retry, () => 1),
    100,
  );
  assert.equal(
    retryDelayMs(5, retry, () => 0.5),
    750,
  );
});
