import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock } from "./fake-clock.js";

test("advance wakes sleepers in time order and leaves later ones waiting", async () => {
  const clock = new FakeClock(1_000);
  const woke: number[] = [];
  void clock.sleep(200).then(() => woke.push(clock.now()));
  void clock.sleep(100).then(() => woke.push(clock.now()));
  void clock.sleep(500).then(() => woke.push(clock.now()));
  await clock.advance(300);
  assert.deepEqual(woke, [1_100, 1_200]);
  assert.equal(clock.now(), 1_300);
  assert.equal(clock.pending, 1);
});

test("an aborted sleep rejects with the signal's reason and is forgotten", async () => {
  const clock = new FakeClock();
  const controller = new AbortController();
  const sleeping = clock.sleep(100, controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(sleeping, /stop/);
  assert.equal(clock.pending, 0);
});
