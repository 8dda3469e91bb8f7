import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type StreamingSnapshot, streamingCheck } from "./streaming-check.js";

const signal = new AbortController().signal;
const base: StreamingSnapshot = {
  active: 0,
  perCallerMax: 4,
  processMax: 100,
  recentFailures: 0,
  firstItemP50Ms: 2,
  firstItemP99Ms: 9,
};
const run = (stats: Partial<StreamingSnapshot>) => streamingCheck(() => ({ ...base, ...stats })).run(signal);

describe("streamingCheck", () => {
  it("is Healthy up to 80 % of the process cap with no recent failures", async () => {
    const result = await run({ active: 80 });
    assert.equal(result.status, "Healthy");
    assert.equal(result.data?.utilization, 0.8);
    assert.equal(result.data?.firstItemP99Ms, 9);
  });

  it("is Degraded above 80 % of the process cap", async () => {
    assert.equal((await run({ active: 81 })).status, "Degraded");
  });

  it("is Degraded after recent stream failures", async () => {
    const result = await run({ active: 1, recentFailures: 2 });
    assert.equal(result.status, "Degraded");
    assert.match(result.description ?? "", /2 recent stream failures/);
  });

  it("is Degraded, not Unhealthy, at the process cap: a full server is busy, not dead", async () => {
    const result = await run({ active: 100, recentFailures: 40 });
    assert.equal(result.status, "Degraded");
    assert.match(result.description ?? "", /process cap of 100 streams/);
  });

  it("is a capacity check, so the monitor never counts it worse than Degraded", () => {
    assert.equal(streamingCheck(() => base).capacity, true);
  });

  it("is tagged for the streaming view", () => {
    assert.ok(streamingCheck(() => base).tags.includes("streaming"));
  });
});
