import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WriteTurns } from "./write-turns.js";

const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Streams that each write `pages` pages through the turns, holding each turn until the next turn of
 * the event loop (a write waiting for nghttp2); returns the order in which pages were written.
 */
async function writeAll(turns: WriteTurns, streams: { id: string; pages: number }[]): Promise<string[]> {
  const order: string[] = [];
  await Promise.all(
    streams.map(async ({ id, pages }) => {
      const mine = turns.stream();
      for (let page = 1; page <= pages; page++) {
        const release = await mine.take();
        order.push(`${id}:${page}`);
        await settle();
        release();
      }
    }),
  );
  return order;
}

describe("write turns of one HTTP/2 session", () => {
  it("with 50 streams starting together, writes every stream's first page before any stream's third", async () => {
    const streams = Array.from({ length: 50 }, (_, s) => ({ id: `s${s}`, pages: 4 }));
    const order = await writeAll(new WriteTurns(4), streams);
    assert.equal(order.length, 200);
    const lastFirst = Math.max(...streams.map(({ id }) => order.indexOf(`${id}:1`)));
    const firstThird = Math.min(...streams.map(({ id }) => order.indexOf(`${id}:3`)));
    assert.ok(lastFirst < firstThird, `a third page at ${firstThird}, the last first page at ${lastFirst}`);
    // Round by round: all first pages, then all second pages, and so on.
    assert.deepEqual(
      order.map((entry) => entry.split(":")[1]),
      ["1", "2", "3", "4"].flatMap((page) => Array(50).fill(page)),
    );
  });

  it("writes the first page of a stream that starts late before the queued pages of running streams", async () => {
    const turns = new WriteTurns(1);
    const order: string[] = [];
    let late: Promise<void> | undefined;
    const running = Array.from({ length: 20 }, async (_, s) => {
      const mine = turns.stream();
      for (let page = 1; page <= 4; page++) {
        const release = await mine.take();
        order.push(`s${s}:${page}`);
        if (s === 0 && page === 2) {
          // A new stream arrives while the nineteen others wait with their second pages.
          late = (async () => {
            const release = await turns.stream().take();
            order.push("late:1");
            release();
          })();
        }
        await settle();
        release();
      }
    });
    await Promise.all(running);
    await late;
    assert.equal(order[order.indexOf("s0:2") + 1], "late:1", order.join(" "));
    // The running streams still alternate page by page: no stream writes its third page before
    // every stream wrote its second.
    const lastSecond = Math.max(...Array.from({ length: 20 }, (_, s) => order.indexOf(`s${s}:2`)));
    const firstThird = Math.min(...Array.from({ length: 20 }, (_, s) => order.indexOf(`s${s}:3`)));
    assert.ok(lastSecond < firstThird, order.join(" "));
  });

  it("hands nghttp2 at most `concurrent` turns at once", async () => {
    const turns = new WriteTurns(3);
    const held: (() => void)[] = [];
    const streams = Array.from({ length: 5 }, () => turns.stream());
    const taking = streams.map((stream) => stream.take().then((release) => held.push(release)));
    await settle();
    assert.equal(held.length, 3);
    assert.equal(turns.queued, 2);
    held[0]();
    held[0]();
    await settle();
    assert.equal(held.length, 4, "a turn released twice frees one place, not two");
    for (const release of held.slice(1)) release();
    await Promise.all(taking);
    assert.equal(held.length, 5);
  });

  it("stops counting turns none of which finishes (their clients stopped reading)", async () => {
    const turns = new WriteTurns(2, 1);
    // Two streams whose chunks never leave: their clients' flow-control windows stay full.
    await turns.stream().take();
    await turns.stream().take();
    let bound: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      turns
        .stream()
        .take()
        .then(() => "granted"),
      new Promise((resolve) => {
        bound = setTimeout(() => resolve("still waiting after 5 s"), 5000);
      }),
    ]);
    clearTimeout(bound);
    assert.equal(outcome, "granted");
  });

  it("drops the turn of a stream cancelled while it waits", async () => {
    const turns = new WriteTurns(1);
    const release = await turns.stream().take();
    const controller = new AbortController();
    const cancelled = turns.stream().take(controller.signal);
    const next = turns.stream().take();
    controller.abort(new Error("cancelled"));
    await assert.rejects(cancelled, /cancelled/);
    release();
    const granted = await next;
    assert.equal(turns.queued, 0);
    granted();
  });
});
