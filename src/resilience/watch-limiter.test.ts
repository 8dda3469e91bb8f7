import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { FakeClock } from "./fake-clock.js";
import { WatchLimiter } from "./watch-limiter.js";

function limiter(overrides: Partial<ConstructorParameters<typeof WatchLimiter>[0]> = {}) {
  const clock = new FakeClock();
  const settings = { maxPerUser: 2, idleMs: 1_000, maxLifetimeMs: 10_000, clock, ...overrides };
  return { clock, watches: new WatchLimiter(settings) };
}

describe("WatchLimiter", () => {
  it("refuses a user's watch past the cap with RESOURCE_EXHAUSTED naming it, other users unaffected", () => {
    const { watches } = limiter();
    const first = watches.acquire("user:alice");
    watches.acquire("user:alice");
    assert.throws(
      () => watches.acquire("user:alice"),
      (error: unknown) => {
        assert.ok(error instanceof ConnectError);
        assert.equal(error.code, Code.ResourceExhausted);
        assert.match(error.rawMessage, /at most 2 per user/);
        assert.equal(error.metadata.get("retry-after"), "1");
        return true;
      },
    );
    watches.acquire("user:bob");
    first.release();
    first.release();
    watches.acquire("user:alice");
    assert.deepEqual(watches.stats(), {
      open: 3,
      users: 2,
      rejections: 1,
      ended: { idle: 0, lifetime: 0 },
    });
  });

  it("ends a watch that sent nothing for the idle time, and only then", async () => {
    const { clock, watches } = limiter();
    const lease = watches.acquire("user:alice");
    await clock.advance(600);
    lease.touch();
    await clock.advance(600);
    assert.equal(lease.signal.aborted, false, "the event at 600 ms started the idle time again");
    await clock.advance(400);
    assert.equal(lease.signal.aborted, true);
    assert.equal(lease.ended, "idle");
    assert.equal(watches.stats().ended.idle, 1);
    lease.release();
    assert.equal(watches.stats().open, 0);
  });

  it("ends every watch at its lifetime, however busy", async () => {
    const { clock, watches } = limiter({ idleMs: 500, maxLifetimeMs: 2_000 });
    const lease = watches.acquire("user:alice");
    for (let t = 0; t < 1_900; t += 100) {
      lease.touch();
      await clock.advance(100);
    }
    assert.equal(lease.signal.aborted, false);
    lease.touch();
    await clock.advance(100);
    assert.equal(lease.ended, "lifetime");
    assert.equal(lease.signal.aborted, true);
  });

  it("stops its timers at release: a released watch is never ended", async () => {
    const { clock, watches } = limiter();
    const lease = watches.acquire("user:alice");
    lease.release();
    assert.equal(clock.pending, 0);
    await clock.advance(20_000);
    assert.equal(lease.ended, undefined);
    assert.deepEqual(watches.stats().ended, { idle: 0, lifetime: 0 });
  });
});
