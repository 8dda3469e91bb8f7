import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { type DedicatedSession, dedicatedSession } from "../db/dedicated-session.js";
import { PgDb } from "../db/pg-db.js";
import { SharedStreamLimiter } from "./shared-stream-limiter.js";
import { StreamLimiter } from "./stream-limiter.js";

const url = process.env.ECT_TEST_DATABASE_URL;

const limits = { perCallerConcurrent: 2, acquireTimeoutMs: 100 };

/** One ECT instance's view: its own local limiter and its own dedicated session. */
function instance(db: PgDb): { limiter: SharedStreamLimiter; session: DedicatedSession } {
  const local = new StreamLimiter({
    perCallerConcurrent: 2,
    processConcurrent: 100,
    perCallerItemsPerSecond: 0,
    perCallerItemsBurst: 0,
    acquireTimeoutMs: 100,
  });
  const session = dedicatedSession(db, "ect-slots-test");
  return { limiter: new SharedStreamLimiter(local, session, limits), session };
}

function exhausted(error: unknown): boolean {
  assert.ok(error instanceof ConnectError, String(error));
  assert.equal(error.code, Code.ResourceExhausted);
  assert.match(error.message, /across instances \(caller limit 2\)/);
  return true;
}

describe("the shared per-caller stream limit", {
  skip: url ? false : "ECT_TEST_DATABASE_URL is not set",
}, () => {
  let db: PgDb;
  const sessions: DedicatedSession[] = [];
  const open = () => {
    const made = instance(db);
    sessions.push(made.session);
    return made;
  };
  // Unique callers per run: the advisory locks live in the shared test cluster.
  const caller = (name: string) => `user:${name}-${process.pid}-${Date.now()}`;

  before(() => {
    db = new PgDb({ connectionString: url!, poolMin: 0, poolMax: 2, statementTimeoutMs: 30_000 });
  });
  after(async () => {
    await Promise.all(sessions.map((session) => session.close()));
    await db.close();
  });

  it("refuses a caller's third stream through a second instance, not another caller's, and frees on release", async () => {
    const a = open();
    const b = open();
    const alice = caller("alice");
    const first = await a.limiter.acquire(alice);
    const second = await b.limiter.acquire(alice);
    await assert.rejects(a.limiter.acquire(alice), exhausted);
    await assert.rejects(b.limiter.acquire(alice), exhausted);
    const bob = await b.limiter.acquire(caller("bob"));
    second.release();
    const third = await a.limiter.acquire(alice);
    for (const lease of [first, third, bob]) lease.release();
  });

  it("gives two streams on one instance two different slots (a session's own lock is not taken twice)", async () => {
    const a = open();
    const b = open();
    const carol = caller("carol");
    const one = await a.limiter.acquire(carol);
    const two = await a.limiter.acquire(carol);
    await assert.rejects(b.limiter.acquire(carol), exhausted);
    one.release();
    two.release();
  });

  it("frees every slot of an instance that dies (its session ends)", async () => {
    const a = open();
    const b = open();
    const dave = caller("dave");
    await a.limiter.acquire(dave);
    await a.limiter.acquire(dave);
    await assert.rejects(b.limiter.acquire(dave), exhausted);
    await a.session.close();
    const again = [await b.limiter.acquire(dave), await b.limiter.acquire(dave)];
    for (const lease of again) lease.release();
  });

  it("costs one round trip per stream start (measured)", async () => {
    const { limiter } = open();
    const local = new StreamLimiter({
      perCallerConcurrent: 2,
      processConcurrent: 100,
      perCallerItemsPerSecond: 0,
      perCallerItemsBurst: 0,
      acquireTimeoutMs: 100,
    });
    const erin = caller("erin");
    const runs = 200;
    const time = async (acquire: () => Promise<{ release(): void }>) => {
      (await acquire()).release();
      const started = performance.now();
      for (let i = 0; i < runs; i++) (await acquire()).release();
      return (performance.now() - started) / runs;
    };
    const shared = await time(() => limiter.acquire(erin));
    const instanceOnly = await time(() => local.acquire(erin));
    console.log(
      `stream start + end: shared ${shared.toFixed(3)} ms, instance-only ${instanceOnly.toFixed(4)} ms (mean of ${runs})`,
    );
    assert.ok(shared > instanceOnly, "the shared limit costs a database round trip");
  });
});
