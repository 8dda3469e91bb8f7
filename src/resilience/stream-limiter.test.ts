import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { FakeClock } from "./fake-clock.js";
import { defaultResilienceSettings } from "./settings.js";
import { meter, StreamLimiter } from "./stream-limiter.js";

function limiter(overrides: Partial<ConstructorParameters<typeof StreamLimiter>[0]> = {}) {
  const clock = new FakeClock();
  return {
    clock,
    limiter: new StreamLimiter({ ...defaultResilienceSettings.streams, clock, ...overrides }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConnectError, `expected a ConnectError, got ${error}`);
  return error;
}

test("a caller at its stream limit waits, and gets the slot another of its streams frees", async () => {
  const { clock, limiter: l } = limiter({ perCallerConcurrent: 2 });
  const first = await l.acquire("alice");
  await l.acquire("alice");
  let third: unknown;
  void l.acquire("alice").then((lease) => {
    third = lease;
  });
  await clock.advance(1_000);
  assert.equal(third, undefined);
  assert.equal(l.stats().waitingForSlot, 1);
  first.release();
  await clock.advance(0);
  assert.ok(third);
  assert.equal(l.stats().activeByCaller.get("alice"), 2);
  assert.equal(l.stats().waits.slots, 1);
});

test("waiting past the acquire timeout ends in RESOURCE_EXHAUSTED with retry-after", async () => {
  const { clock, limiter: l } = limiter({ perCallerConcurrent: 1 });
  await l.acquire("alice");
  const waiting = rejection(l.acquire("alice"));
  await clock.advance(5_000);
  const error = await waiting;
  assert.equal(error.code, Code.ResourceExhausted);
  assert.equal(error.metadata.get("retry-after"), "1");
  assert.equal(l.stats().rejections.slots, 1);
  assert.equal(l.stats().waitingForSlot, 0);
});

test("one caller at its limit does not hold up another caller", async () => {
  const { limiter: l } = limiter({ perCallerConcurrent: 1 });
  await l.acquire("alice");
  void l.acquire("alice").catch(() => undefined);
  const bob = await l.acquire("bob");
  assert.equal(bob.caller, "bob");
});

test("the process cap applies across callers and waiters are granted in arrival order", async () => {
  const { clock, limiter: l } = limiter({ processConcurrent: 2 });
  const a = await l.acquire("a");
  const b = await l.acquire("b");
  const granted: string[] = [];
  void l.acquire("c").then(() => granted.push("c"));
  void l.acquire("d").then(() => granted.push("d"));
  await clock.advance(10);
  a.release();
  await clock.advance(0);
  assert.deepEqual(granted, ["c"]);
  b.release();
  await clock.advance(0);
  assert.deepEqual(granted, ["c", "d"]);
  assert.equal(l.stats().total, 2);
});

test("release is idempotent", async () => {
  const { limiter: l } = limiter();
  const lease = await l.acquire("alice");
  lease.release();
  lease.release();
  assert.equal(l.stats().total, 0);
});

test("an aborted wait rejects with the abort reason and leaves the queue", async () => {
  const { clock, limiter: l } = limiter({ perCallerConcurrent: 1 });
  await l.acquire("alice");
  const controller = new AbortController();
  const waiting = l.acquire("alice", controller.signal).catch((e: unknown) => e);
  await clock.advance(10);
  controller.abort(new Error("gone"));
  assert.match(String(await waiting), /gone/);
  assert.equal(l.stats().waitingForSlot, 0);
  assert.equal(l.stats().rejections.slots, 0);
});

test("items are paced by the caller's bucket, shared by all its streams, and never skipped", async () => {
  const { clock, limiter: l } = limiter({ perCallerItemsPerSecond: 100, perCallerItemsBurst: 100 });
  const one = await l.acquire("alice");
  const two = await l.acquire("alice");
  await one.takeItems(100);
  let done = false;
  void two.takeItems(50).then(() => {
    done = true;
  });
  await clock.advance(499);
  assert.equal(done, false);
  await clock.advance(1);
  assert.equal(done, true);
  assert.equal(l.stats().waits.items, 1);
});

test("an item wait longer than the acquire timeout is RESOURCE_EXHAUSTED", async () => {
  const { limiter: l } = limiter({ perCallerItemsPerSecond: 10, perCallerItemsBurst: 10 });
  const lease = await l.acquire("alice");
  const error = await rejection(lease.takeItems(1_000));
  assert.equal(error.code, Code.ResourceExhausted);
  assert.equal(l.stats().rejections.items, 1);
});

test("meter passes every chunk through, counting an array by its length", async () => {
  const { clock, limiter: l } = limiter({ perCallerItemsPerSecond: 10, perCallerItemsBurst: 10 });
  const lease = await l.acquire("alice");
  async function* pages() {
    yield [1, 2, 3, 4, 5, 6, 7, 8];
    yield [9, 10, 11, 12];
    yield [13];
  }
  const seen: number[] = [];
  const run = (async () => {
    for await (const page of meter(pages(), lease)) seen.push(...page);
  })();
  await clock.advance(0);
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8]);
  await clock.advance(200);
  assert.equal(seen.length, 12);
  await clock.advance(100);
  await run;
  assert.deepEqual(
    seen,
    Array.from({ length: 13 }, (_, i) => i + 1),
  );
});

test("callers with nothing open are forgotten after the idle period", async () => {
  const { clock, limiter: l } = limiter({ idleMs: 60_000 });
  (await l.acquire("alice")).release();
  assert.equal(l.stats().callers, 1);
  await clock.advance(60_000);
  (await l.acquire("bob")).release();
  assert.equal(l.stats().callers, 1, "alice was swept, bob remains");
});
