import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import type { WatchCasesResponse } from "../../gen/ect/v1/case_service_pb.js";
import { CaseEventType, CaseState, Module } from "../../gen/ect/v1/resources_pb.js";
import { FakeClock } from "../../resilience/fake-clock.js";
import { WatchLimiter } from "../../resilience/watch-limiter.js";
import { CaseEvents } from "./case-events.js";
import type { CaseFilterValues } from "./case-queries.js";
import { caseRowFixture } from "./case-row.test-support.js";
import { watchCases } from "./watch-cases.js";

const caller: Caller = {
  userId: 7,
  username: "unitcc",
  roleId: 4,
  roleName: "Unit Commander",
  unitId: 10,
  permissions: new Set(["lodView"]),
};
const anyCase: CaseFilterValues = {
  workStatusIds: [],
  module: Module.UNSPECIFIED,
  unitId: 0,
  waitingOnMyRole: false,
  state: CaseState.UNSPECIFIED,
};
/** The database as a watch uses it: the caller's unit subtree is unit 10. */
const db = { query: async () => ({ rows: [{ id: 10 }], rowCount: 1 }) } as unknown as Db;
const row = caseRowFixture();

function setup() {
  const clock = new FakeClock();
  const events = new CaseEvents();
  const watches = new WatchLimiter({ maxPerUser: 2, idleMs: 500, maxLifetimeMs: 2_000, clock });
  const watch = (signal = new AbortController().signal) =>
    watchCases({ db, events, watches }, caller, anyCase, signal)[Symbol.asyncIterator]();
  const publish = () =>
    events.publish({ type: CaseEventType.UPDATED, row, actor: "medtech", time: new Date() });
  return { clock, events, watches, watch, publish };
}

describe("watchCases", () => {
  it("tells the watcher to re-read with a RESYNC event, in order, when events may have been missed", async () => {
    const { clock, events, watch, publish } = setup();
    const iterator = watch();
    const first = iterator.next();
    await clock.advance(0);
    publish();
    events.resync();
    events.resync();
    publish();
    const types: CaseEventType[] = [];
    const typesOf = (result: IteratorResult<WatchCasesResponse, void>) =>
      result.done ? [] : result.value.events.map((event) => event.type);
    types.push(...typesOf(await first));
    while (types.length < 3) types.push(...typesOf(await iterator.next()));
    assert.deepEqual(types, [CaseEventType.UPDATED, CaseEventType.RESYNC, CaseEventType.UPDATED]);
    await iterator.return?.(undefined);
  });

  it("refuses the user's watch past the cap with RESOURCE_EXHAUSTED and frees the place when one ends", async () => {
    const { watches, watch } = setup();
    const stop = new AbortController();
    const first = watch(stop.signal);
    const firstNext = first.next();
    void watch().next();
    await assert.rejects(watch().next(), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, Code.ResourceExhausted);
      return true;
    });
    stop.abort();
    assert.deepEqual(await firstNext, { done: true, value: undefined }, "a cancelled watch ends");
    assert.equal(watches.stats().open, 1);
  });

  it("ends cleanly when nothing happened for the idle time", async () => {
    const { clock, watches, watch, publish } = setup();
    const iterator = watch();
    const first = iterator.next();
    await clock.advance(0);
    publish();
    assert.equal((await first).value?.events.length, 1);
    const second = iterator.next();
    await clock.advance(499);
    await clock.advance(1);
    assert.deepEqual(await second, { done: true, value: undefined });
    assert.deepEqual(watches.stats(), { open: 0, users: 0, rejections: 0, ended: { idle: 1, lifetime: 0 } });
  });

  it("ends at its lifetime even while events keep coming, after sending what was queued", async () => {
    const { clock, watches, watch, publish } = setup();
    const iterator = watch();
    let received = 0;
    for (let step = 0; step < 100; step++) {
      const next = iterator.next();
      await clock.advance(0);
      publish();
      await clock.advance(100);
      publish();
      const result = await next;
      if (result.done) break;
      received += result.value.events.length;
    }
    assert.equal(watches.stats().ended.lifetime, 1);
    assert.ok(received >= 20 && received <= 42, `events flowed until the lifetime (${received})`);
    assert.equal(watches.stats().open, 0);
  });

  it("brings the IO the case appointed to them outside their units, waiting on them; not another IO", async () => {
    const { clock, events } = setup();
    const watches = new WatchLimiter({ maxPerUser: 2, idleMs: 500, maxLifetimeMs: 2_000, clock });
    const io = (userId: number): Caller => ({
      ...caller,
      userId,
      username: `io${userId}`,
      roleId: 13,
      unitId: 101,
    });
    const inbox = { ...anyCase, waitingOnMyRole: true };
    const unit101 = { query: async () => ({ rows: [{ id: 101 }], rowCount: 1 }) } as unknown as Db;
    const appointed = watchCases(
      { db: unit101, events, watches },
      io(21),
      inbox,
      new AbortController().signal,
    );
    const other = new AbortController();
    const notAppointed = watchCases({ db: unit101, events, watches }, io(22), inbox, other.signal);
    const mine = appointed[Symbol.asyncIterator]().next();
    const theirs = notAppointed[Symbol.asyncIterator]().next();
    await clock.advance(0);
    const atIo = caseRowFixture({ unit_id: 102, work_status_id: 121, holder_role_id: 13, io_user_id: 21 });
    events.publish({ type: CaseEventType.MOVED, row: atIo, actor: "wingcc", time: new Date() });
    // Past the idle time a watch that received nothing ends: both answers are bounded by the fake clock.
    await clock.advance(500);
    assert.equal((await mine).value?.events[0]?.case?.name, "cases/1", "the appointed IO got the move");
    assert.deepEqual(await theirs, { done: true, value: undefined }, "nothing reached the other IO");
    other.abort();
  });
});
