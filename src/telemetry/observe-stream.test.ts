import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { observeStream, type StreamOutcome } from "./observe-stream.js";

async function* numbers(count: number, failAt?: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    if (i === failAt) throw new Error("boom");
    yield i;
  }
}

function observed(source: AsyncIterable<number>) {
  const record = { items: 0, seen: [] as unknown[], ends: [] as [StreamOutcome, unknown][] };
  const stream = observeStream(source, {
    item: (value) => {
      record.items++;
      record.seen.push(value);
    },
    end: (outcome, error) => record.ends.push([outcome, error]),
  });
  return { stream, record };
}

describe("observeStream", () => {
  it("passes every item through and ends once when the source is done", async () => {
    const { stream, record } = observed(numbers(3));
    const items: number[] = [];
    for await (const n of stream) items.push(n);
    assert.deepEqual(items, [0, 1, 2]);
    assert.equal(record.items, 3);
    assert.deepEqual(record.seen, [0, 1, 2], "the item hook sees each item");
    assert.deepEqual(record.ends, [["done", undefined]]);
  });

  it("ends once with the error when the source fails", async () => {
    const { stream, record } = observed(numbers(3, 1));
    await assert.rejects(async () => {
      for await (const _ of stream) {
      }
    }, /boom/);
    assert.equal(record.items, 1);
    assert.equal(record.ends.length, 1);
    assert.equal(record.ends[0][0], "error");
    assert.match(String(record.ends[0][1]), /boom/);
  });

  it("ends once as returned when the consumer stops early, and closes the source", async () => {
    let closed = false;
    async function* source() {
      try {
        yield 1;
        yield 2;
      } finally {
        closed = true;
      }
    }
    const { stream, record } = observed(source());
    for await (const _ of stream) break;
    assert.ok(closed);
    assert.deepEqual(record.ends, [["return", undefined]]);
  });
});
