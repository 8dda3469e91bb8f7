import assert from "node:assert/strict";
import { test } from "node:test";
import type { DbNotifications, OnPayload, OnResync } from "../../db/db-notifications.js";
import { CaseEvents } from "../cases/case-events.js";
import { caseRowFixture } from "../cases/case-row.test-support.js";
import { NOTIFICATIONS_CHANNEL } from "./enqueue-notice.js";
import { FEED_READS_CHANNEL, FeedWakeups, recipientsOf } from "./feed-wakeups.js";

/** A listener that hands its subscriptions to the test. */
function fakeListener() {
  const channels = new Map<string, { onPayload: OnPayload; onResync?: OnResync }>();
  const listener: DbNotifications = {
    connected: true,
    async listen(channel, onPayload, onResync) {
      channels.set(channel, { onPayload, onResync });
      return async () => {
        channels.delete(channel);
      };
    },
    async close() {},
  };
  return { listener, channels };
}

test("a commit's payload wakes exactly the recipients it names, and a resync wakes everyone", async () => {
  const { listener, channels } = fakeListener();
  const wakeups = new FeedWakeups({ events: new CaseEvents(), listener });
  const woken: number[] = [];
  await wakeups.subscribe(7, () => woken.push(7));
  await wakeups.subscribe(8, () => woken.push(8));
  assert.deepEqual([...channels.keys()].sort(), [FEED_READS_CHANNEL, NOTIFICATIONS_CHANNEL].sort());
  channels.get(NOTIFICATIONS_CHANNEL)?.onPayload(JSON.stringify({ caseId: 1, recipients: [8, 99] }));
  assert.deepEqual(woken, [8]);
  channels.get(FEED_READS_CHANNEL)?.onResync?.();
  assert.deepEqual(woken.sort(), [7, 8, 8]);
});

test("an unsubscribed watch is not woken, and a touch wakes only that user's watches", async () => {
  const { listener } = fakeListener();
  const wakeups = new FeedWakeups({ events: new CaseEvents(), listener });
  const woken: string[] = [];
  const stop = await wakeups.subscribe(7, () => woken.push("a"));
  await wakeups.subscribe(7, () => woken.push("b"));
  await wakeups.subscribe(8, () => woken.push("c"));
  stop();
  wakeups.touch(7);
  assert.deepEqual(woken, ["b"]);
});

test("without a database listener, every committed case move on this instance wakes every watch", async () => {
  const events = new CaseEvents();
  const wakeups = new FeedWakeups({ events });
  let woken = 0;
  await wakeups.subscribe(7, () => woken++);
  await wakeups.subscribe(8, () => woken++);
  events.publish({ type: 1, row: caseRowFixture(), actor: "medtech", time: new Date() });
  assert.equal(woken, 2);
});

test("payloads without a recipients list name nobody", () => {
  assert.deepEqual(recipientsOf("not json"), []);
  assert.deepEqual(recipientsOf(JSON.stringify({ caseId: 1 })), []);
  assert.deepEqual(recipientsOf(JSON.stringify({ recipients: [1, "2", 3.5, 4] })), [1, 4]);
});
