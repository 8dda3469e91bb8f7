import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { FakeClock } from "./fake-clock.js";
import { TokenBucket } from "./token-bucket.js";

function bucket(ratePerSecond = 10, burst = 10) {
  const clock = new FakeClock();
  return { clock, bucket: new TokenBucket({ ratePerSecond, burst, clock }) };
}

test("a full bucket gives its burst at once, then refills at its rate", async () => {
  const { clock, bucket: b } = bucket(10, 10);
  assert.ok(b.tryTake(10));
  assert.equal(b.tryTake(1), false);
  await clock.advance(100);
  assert.ok(b.tryTake(1));
  await clock.advance(10_000);
  assert.equal(b.available(), 10, "refill stops at the burst");
});

test("take waits for tokens instead of dropping, and reports the wait", async () => {
  const { clock, bucket: b } = bucket(10, 10);
  assert.ok(b.tryTake(10));
  let waited: number | undefined;
  void b.take(5, { maxWaitMs: 1_000 }).then((ms) => {
    waited = ms;
  });
  await clock.advance(499);
  assert.equal(waited, undefined);
  await clock.advance(1);
  assert.equal(waited, 500);
});

test("concurrent takers are served in arrival order", async () => {
  const { clock, bucket: b } = bucket(10, 10);
  b.tryTake(10);
  const order: string[] = [];
  void b.take(2, { maxWaitMs: 5_000 }).then(() => order.push("first"));
  void b.take(2, { maxWaitMs: 5_000 }).then(() => order.push("second"));
  await clock.advance(200);
  assert.deepEqual(order, ["first"]);
  await clock.advance(200);
  assert.deepEqual(order, ["first", "second"]);
});

test("a wait longer than maxWaitMs is refused with RESOURCE_EXHAUSTED and retry-after, taking nothing", async () => {
  const { bucket: b } = bucket(10, 10);
  b.tryTake(10);
  const error = await b.take(100, { maxWaitMs: 5_000 }).catch((e: unknown) => e);
  assert.ok(error instanceof ConnectError);
  assert.equal(error.code, Code.ResourceExhausted);
  assert.equal(error.metadata.get("retry-after"), "10");
  assert.equal(Math.round(b.available()), 0);
});

test("an aborted wait rejects and refunds its reservation", async () => {
  const { clock, bucket: b } = bucket(10, 10);
  b.tryTake(10);
  const controller = new AbortController();
  const waiting = b.take(5, { maxWaitMs: 5_000, signal: controller.signal });
  await clock.advance(100);
  controller.abort(new Error("client went away"));
  await assert.rejects(waiting, /client went away/);
  assert.equal(b.available(), 1);
});

test("a rate of 0 disables the bucket", async () => {
  const { bucket: b } = bucket(0, 0);
  assert.ok(b.tryTake(1_000_000));
  assert.equal(await b.take(1_000_000, { maxWaitMs: 0 }), 0);
});
