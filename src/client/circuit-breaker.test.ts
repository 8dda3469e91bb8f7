import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { FakeClock } from "../resilience/fake-clock.js";
import { defaultResilienceSettings } from "../resilience/settings.js";
import { ClientCircuitBreaker } from "./circuit-breaker.js";

function breaker() {
  const clock = new FakeClock(1_000_000);
  return { clock, breaker: new ClientCircuitBreaker(defaultResilienceSettings.breaker, clock) };
}

function calls(b: ClientCircuitBreaker, outcome: "success" | "failure", n: number) {
  for (let i = 0; i < n; i++) b.record(b.admit(), outcome);
}

test("the circuit stays closed below 10 calls and opens at 50 % failures", () => {
  const { breaker: b } = breaker();
  calls(b, "success", 5);
  calls(b, "failure", 4);
  assert.equal(b.current(), "closed");
  calls(b, "failure", 1);
  assert.equal(b.current(), "open");
});

test("failures older than the 10 s window do not count", async () => {
  const { clock, breaker: b } = breaker();
  calls(b, "failure", 9);
  await clock.advance(11_000);
  calls(b, "success", 9);
  calls(b, "failure", 1);
  assert.equal(b.current(), "closed");
});

test("an open circuit fails fast with UNAVAILABLE and retry-after", () => {
  const { breaker: b } = breaker();
  calls(b, "failure", 10);
  const error = (() => {
    try {
      b.admit();
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof ConnectError);
  assert.equal(error.code, Code.Unavailable);
  assert.equal(error.metadata.get("retry-after"), "30");
});

test("after 30 s one trial call is let through: success closes, failure reopens", async () => {
  const { clock, breaker: b } = breaker();
  const states: string[] = [];
  b.onStateChange((s) => states.push(s));
  calls(b, "failure", 10);
  await clock.advance(30_000);
  assert.equal(b.current(), "half-open");
  const trial = b.admit();
  assert.throws(() => b.admit(), /circuit open/, "only one trial at a time");
  b.record(trial, "failure");
  assert.equal(b.current(), "open");
  await clock.advance(30_000);
  b.record(b.admit(), "success");
  assert.equal(b.current(), "closed");
  assert.deepEqual(states, ["open", "half-open", "open", "half-open", "closed"]);
});
