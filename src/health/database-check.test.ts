import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type BreakerState, databaseCheck } from "./database-check.js";

const signal = new AbortController().signal;
const reachable = async () => {};
const unreachable = async () => {
  throw Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" });
};

describe("databaseCheck", () => {
  const run = (ping: () => Promise<void>, breaker: BreakerState) =>
    databaseCheck(ping, () => breaker).run(signal);

  it("is Healthy when the breaker is closed and the database answers", async () => {
    const result = await run(reachable, "closed");
    assert.equal(result.status, "Healthy");
    assert.equal(result.data?.breaker, "closed");
  });

  it("is Degraded while the breaker is half-open", async () => {
    assert.equal((await run(reachable, "half-open")).status, "Degraded");
  });

  it("is Unhealthy when the breaker is open, without pinging", async () => {
    let pinged = false;
    const result = await run(async () => {
      pinged = true;
    }, "open");
    assert.equal(result.status, "Unhealthy");
    assert.equal(pinged, false);
  });

  it("is Unhealthy when the ping fails, naming the error's code but not its address", async () => {
    const result = await run(unreachable, "closed");
    assert.equal(result.status, "Unhealthy");
    assert.equal(result.data?.error, "ECONNREFUSED");
    assert.doesNotMatch(JSON.stringify(result), /10\.0\.0\.5/);
  });

  it("passes the monitor's abort signal to the ping", async () => {
    let received: AbortSignal | undefined;
    await databaseCheck(
      async (s) => {
        received = s;
      },
      () => "closed",
    ).run(signal);
    assert.equal(received, signal);
  });
});
