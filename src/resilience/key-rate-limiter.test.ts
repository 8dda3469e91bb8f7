import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { FakeClock } from "./fake-clock.js";
import { KeyRateLimiter } from "./key-rate-limiter.js";

test("each address gets its own burst, then 10 requests a second", async () => {
  const clock = new FakeClock();
  const limiter = new KeyRateLimiter({ requestsPerSecond: 10, burst: 20, maxKeys: 100, clock });
  for (let i = 0; i < 20; i++) limiter.check("10.0.0.1");
  assert.equal(limiter.tryTake("10.0.0.1"), 100);
  assert.equal(limiter.tryTake("10.0.0.2"), 0, "another address is unaffected");
  await clock.advance(100);
  assert.equal(limiter.tryTake("10.0.0.1"), 0);
  assert.equal(limiter.rejectionCount, 1);
});

test("an address over its limit gets RESOURCE_EXHAUSTED with retry-after", () => {
  const limiter = new KeyRateLimiter({ requestsPerSecond: 1, burst: 1, maxKeys: 10, clock: new FakeClock() });
  const rejected: string[] = [];
  limiter.onRejected((key) => rejected.push(key));
  limiter.check("a");
  const error = (() => {
    try {
      limiter.check("a");
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof ConnectError);
  assert.equal(error.code, Code.ResourceExhausted);
  assert.equal(error.metadata.get("retry-after"), "1");
  assert.deepEqual(rejected, ["a"]);
});

test("the map forgets the least recently seen address first, so memory stays bounded", () => {
  const limiter = new KeyRateLimiter({ requestsPerSecond: 1, burst: 1, maxKeys: 2, clock: new FakeClock() });
  limiter.tryTake("a");
  limiter.tryTake("b");
  limiter.tryTake("a");
  limiter.tryTake("c");
  assert.equal(limiter.size, 2);
  assert.ok(limiter.tryTake("a") > 0, "a was kept (recently seen) and is still limited");
  assert.equal(limiter.tryTake("b"), 0, "b was forgotten and starts afresh");
});

test("a rate of 0 disables the limit", () => {
  const limiter = new KeyRateLimiter({ requestsPerSecond: 0, burst: 0, maxKeys: 1 });
  for (let i = 0; i < 100; i++) limiter.check("a");
  assert.equal(limiter.size, 0);
});
