import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryCheck } from "./memory-check.js";

const signal = new AbortController().signal;
const usage = (heapUsed: number) => () => ({
  rss: 5000,
  heapUsed,
  heapTotal: 2,
  external: 3,
  arrayBuffers: 4,
});

describe("memoryCheck", () => {
  it("is Healthy at or below the threshold", async () => {
    const result = await memoryCheck(100, usage(100)).run(signal);
    assert.equal(result.status, "Healthy");
    assert.equal(result.data?.heapUsed, 100);
  });

  it("is Degraded when the JavaScript heap is above the threshold, whatever the resident set", async () => {
    assert.equal((await memoryCheck(100, usage(101)).run(signal)).status, "Degraded");
  });

  it("defaults to 1 GiB and reads this process's memory", async () => {
    const result = await memoryCheck().run(signal);
    assert.equal(result.data?.thresholdBytes, 1024 ** 3);
    assert.ok((result.data?.rss as number) > 0);
  });
});
