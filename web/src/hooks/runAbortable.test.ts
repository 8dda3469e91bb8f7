import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { runAbortable } from "./runAbortable.js";

/** Lets pending promise callbacks run (setImmediate is not faked). */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Work that waits until its signal aborts, then rejects as an aborted fetch does. */
const untilAborted = (signal: AbortSignal) =>
  new Promise((_, reject) =>
    signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")), { once: true }),
  );

describe("an abortable run (the engine of useAbortable)", { timeout: 10_000 }, () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
  afterEach(() => mock.timers.reset());

  it("reports the error's text when the work fails, and clears it when the work succeeds", async () => {
    const reports: string[] = [];
    await runAbortable(
      () => Promise.reject(new Error("the server is away")),
      {},
      (e) => reports.push(e),
    ).settled;
    await runAbortable(
      async () => {},
      {},
      (e) => reports.push(e),
    ).settled;
    assert.deepEqual(reports, ["the server is away", ""]);
  });

  it("cancelling aborts the work's signal, and the abort it causes is reported as nothing", async () => {
    const reports: string[] = [];
    let seen: AbortSignal | undefined;
    const run = runAbortable(
      (signal) => {
        seen = signal;
        return untilAborted(signal);
      },
      {},
      (e) => reports.push(e),
    );
    run.cancel();
    await run.settled;
    await flush();
    assert.equal(seen?.aborted, true);
    assert.deepEqual(reports, []);
  });

  it("a late answer to a cancelled run is not reported, success or failure", async () => {
    const reports: string[] = [];
    const answers: { resolve: () => void; reject: (e: Error) => void }[] = [];
    const work = () => new Promise<void>((resolve, reject) => answers.push({ resolve, reject }));
    const failing = runAbortable(work, {}, (e) => reports.push(e));
    const succeeding = runAbortable(work, {}, (e) => reports.push(e));
    failing.cancel();
    succeeding.cancel();
    answers[0].reject(new Error("arrived after the page moved on"));
    answers[1].resolve();
    await flush();
    assert.deepEqual(reports, []);
  });

  it("with delayMs, starts only after the delay, and never when cancelled first", async () => {
    let starts = 0;
    const work = async () => {
      starts += 1;
    };
    runAbortable(work, { delayMs: 250 }, () => {});
    mock.timers.tick(249);
    await flush();
    assert.equal(starts, 0, "not before the delay");
    mock.timers.tick(1);
    await flush();
    assert.equal(starts, 1, "once the delay has passed");

    const cancelled = runAbortable(work, { delayMs: 250 }, () => {});
    cancelled.cancel();
    mock.timers.tick(1000);
    await flush();
    assert.equal(starts, 1, "a run cancelled during its delay never starts");
    await cancelled.settled;
  });

  it("with repeatMs, runs again after each pass ends, failed or not, until cancelled", async () => {
    const reports: string[] = [];
    let passes = 0;
    const run = runAbortable(
      async () => {
        passes += 1;
        if (passes === 2) throw new Error("one poll failed");
      },
      { repeatMs: 5000 },
      (e) => reports.push(e),
    );
    await flush();
    assert.equal(passes, 1, "the first pass starts at once");
    mock.timers.tick(4999);
    await flush();
    assert.equal(passes, 1, "the next pass waits repeatMs after the last one ended");
    mock.timers.tick(1);
    await flush();
    mock.timers.tick(5000);
    await flush();
    assert.equal(passes, 3, "a failed pass does not stop the polling");
    assert.deepEqual(reports, ["", "one poll failed", ""]);
    run.cancel();
    mock.timers.tick(20_000);
    await flush();
    assert.equal(passes, 3, "no pass after cancel");
  });

  it("with repeatMs, a run cancelled during a pass schedules no further pass", async () => {
    let passes = 0;
    const run = runAbortable(
      (signal) => {
        passes += 1;
        return untilAborted(signal);
      },
      { repeatMs: 5000 },
      () => {},
    );
    run.cancel();
    await flush();
    mock.timers.tick(20_000);
    await flush();
    assert.equal(passes, 1);
  });

  it("settled waits for the first pass, or for cancel when the work never ends", async () => {
    let settled = false;
    let finish = () => {};
    const run = runAbortable(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
      {},
      () => {},
    );
    run.settled.then(() => {
      settled = true;
    });
    await flush();
    assert.equal(settled, false, "not while the pass runs");
    finish();
    await flush();
    assert.equal(settled, true, "once it ends");

    const hanging = runAbortable(
      () => new Promise(() => {}),
      {},
      () => {},
    );
    hanging.cancel();
    await hanging.settled;
  });
});
