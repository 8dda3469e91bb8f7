import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LANE_MAX_TAKING, type LaneSource, PageLane } from "./page-lane.js";

/** A pool the test drives by hand: takes resolve when the test opens or frees a connection. */
class FakePool implements LaneSource<string> {
  idleConnections: string[] = [];
  readonly takes: { resolve(c: string): void; reject(e: Error): void }[] = [];
  readonly given: { connection: string; error?: Error }[] = [];
  others = false;

  take(): Promise<string> {
    const idle = this.idleConnections.shift();
    // pg-pool hands an idle connection over on a later tick, not at once.
    if (idle) return Promise.resolve().then(() => idle);
    return new Promise((resolve, reject) => this.takes.push({ resolve, reject }));
  }

  give(connection: string, error?: Error): void {
    this.given.push({ connection, error });
    const waiting = this.takes.shift();
    if (waiting && !error) waiting.resolve(connection);
    else if (!error) this.idleConnections.push(connection);
  }

  idle(): number {
    return this.idleConnections.length;
  }

  othersWaiting(): boolean {
    return this.others;
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("the page lane", () => {
  it("gives every stream's first page a connection before any stream's second or third page", async () => {
    const pool = new FakePool();
    pool.idleConnections.push("c1", "c2");
    const lane = new PageLane(pool);
    const order: string[] = [];
    const read = async (stream: number, page: number) => {
      const connection = await lane.acquire(page);
      order.push(`${stream}:${page}`);
      // Each page holds its connection until the next turn of the loop, like a query.
      await settle();
      lane.release(connection);
    };
    // Ten streams already on their second and third pages: two hold the idle connections, the rest
    // wait; then fifty new streams arrive together.
    const running = Array.from({ length: 10 }, (_, s) => [read(s, 1), read(s, 2)]).flat();
    await settle();
    const holding = [...order];
    assert.deepEqual(holding, ["0:1", "1:1"]);
    const arriving = Array.from({ length: 50 }, (_, s) => read(10 + s, 0));
    await Promise.all([...running, ...arriving]);

    const at = (entry: string) => order.indexOf(entry);
    const firstPages = order.filter((entry) => entry.endsWith(":0"));
    assert.equal(firstPages.length, 50);
    const lastFirst = Math.max(...firstPages.map(at));
    // No later page that was still waiting when the first pages arrived went before any of them.
    const laterBefore = order.filter((entry) => !entry.endsWith(":0") && at(entry) < lastFirst);
    assert.deepEqual(
      laterBefore.filter((entry) => !holding.includes(entry)),
      [],
      `later pages before the last first page: ${laterBefore.join(" ")}`,
    );
    const second = order.filter((entry) => entry.endsWith(":1"));
    const third = order.filter((entry) => entry.endsWith(":2"));
    assert.ok(order.indexOf(second.at(-1) as string) < order.indexOf(third.at(2) as string));
    assert.ok(pool.takes.length === 0, "no page left waiting for a connection the pool would open");
  });

  it("never binds a waiting page to a connection being opened: a freed one serves it first", async () => {
    const pool = new FakePool();
    pool.idleConnections.push("c1");
    const lane = new PageLane(pool);
    const first = await lane.acquire(0);
    const waiting = Array.from({ length: LANE_MAX_TAKING + 1 }, () => lane.acquire(0));
    await settle();
    // The lane asked the pool for at most LANE_MAX_TAKING new connections, not one per waiting page.
    assert.equal(pool.takes.length, LANE_MAX_TAKING);
    lane.release(first);
    assert.equal(await waiting[0], "c1");
    assert.equal(pool.given.length, 0, "the freed connection went straight to the waiting page");
    const opened = pool.takes.map((_, i) => `c${i + 2}`);
    for (const [i, take] of pool.takes.entries()) take.resolve(opened[i]);
    assert.deepEqual(await Promise.all(waiting.slice(1)), opened);
  });

  it("hands a freed connection back to the pool when unary calls wait for one", async () => {
    const pool = new FakePool();
    pool.idleConnections.push("c1");
    const lane = new PageLane(pool);
    const connection = await lane.acquire(0);
    const waiting = lane.acquire(1);
    await settle();
    pool.others = true;
    lane.release(connection);
    assert.deepEqual(pool.given, [{ connection: "c1", error: undefined }]);
    // The fake pool gives it to the lane's own outstanding take, as pg-pool serves its queue in order.
    assert.equal(await waiting, "c1");
  });

  it("discards a broken connection and fails the next page with the pool's error", async () => {
    const pool = new FakePool();
    pool.idleConnections.push("c1");
    const lane = new PageLane(pool);
    const connection = await lane.acquire(0);
    const broken = new Error("terminating connection");
    lane.release(connection, broken);
    assert.deepEqual(pool.given, [{ connection: "c1", error: broken }]);

    const waiting = lane.acquire(0);
    await settle();
    const refused = new Error("connect ECONNREFUSED");
    pool.takes[0].reject(refused);
    await assert.rejects(waiting, (error) => error === refused);
  });

  it("runs at most maxRunning pages at once, with connections to spare, and the next is a first page", async () => {
    const pool = new FakePool();
    pool.idleConnections.push("c1", "c2", "c3", "c4", "c5");
    const lane = new PageLane(pool, 2);
    const a = await lane.acquire(1);
    const b = await lane.acquire(2);
    const later = lane.acquire(1);
    const first = lane.acquire(0);
    await settle();
    assert.equal(lane.waiting, 2, "two pages wait although three connections are idle");
    assert.equal(pool.idle(), 3);
    lane.release(a);
    assert.equal(
      await first,
      "c1",
      "the freed connection goes to the first page, not the earlier later page",
    );
    assert.equal(lane.waiting, 1);
    lane.release(b);
    assert.equal(await later, "c2");
    lane.release(await first);
    lane.release(await later);
    await settle();
    assert.equal(pool.idle(), 5, "every connection is back in the pool");
  });

  it("drops a page whose stream was cancelled while it waited", async () => {
    const pool = new FakePool();
    const lane = new PageLane(pool);
    const controller = new AbortController();
    const cancelled = lane.acquire(0, controller.signal);
    const other = lane.acquire(1);
    controller.abort(new Error("cancelled"));
    await assert.rejects(cancelled, /cancelled/);
    assert.equal(lane.waiting, 1);
    await settle();
    pool.takes[0].resolve("c1");
    assert.equal(await other, "c1");
  });
});
