import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PageReader } from "./db.js";
import { type KeysetQuery, keysetPages, sqlLimit } from "./keyset.js";

/** A table of ids 1..rows read by keyset; records each page's limit and how many pages were in flight. */
function table(rows: number) {
  const limits: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const db = {
    async page(_sql: string, params: readonly unknown[] = []) {
      const [after, limit] = params as [number | null, number];
      limits.push(limit);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      const from = (after ?? 0) + 1;
      const ids = Array.from({ length: Math.max(0, Math.min(limit, rows - from + 1)) }, (_, i) => from + i);
      return { rows: ids.map((id) => ({ id })), rowCount: ids.length };
    },
  } as unknown as PageReader;
  const query: KeysetQuery<{ id: number }, number> = {
    page: (after, limit) => ({ sql: "page", params: [after ?? null, limit] }),
    keyOf: (row) => row.id,
  };
  return { db, query, limits, maxInFlight: () => maxInFlight };
}

async function read(pages: AsyncIterable<{ id: number }[]>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const page of pages) out.push(page.map((row) => row.id));
  return out;
}

describe("keyset pages", () => {
  it("grows pages from the small first one to the full page size and reads every row once", async () => {
    const { db, query, limits } = table(3_000);
    const pages = await read(keysetPages(db, query, { firstPageSize: 50, pageSize: 1000 }));
    assert.deepEqual(
      pages.map((page) => page.length),
      [50, 200, 800, 1000, 950],
    );
    assert.deepEqual(limits, [50, 200, 800, 1000, 1000]);
    assert.deepEqual(
      pages.flat(),
      Array.from({ length: 3_000 }, (_, i) => i + 1),
    );
  });

  it("stops at the limit without reading past it", async () => {
    const { db, query, limits } = table(3_000);
    const pages = await read(keysetPages(db, query, { firstPageSize: 50, pageSize: 1000, limit: 120 }));
    assert.equal(pages.flat().length, 120);
    assert.deepEqual(limits, [50, 70]);
  });

  it("asks a query whose limit is in its text only for the sizes of its ladder, dropping rows past the limit", async () => {
    const read3 = async (limit: number) => {
      const { db, query, limits } = table(3_000);
      const pages = await read(
        keysetPages(db, { ...query, limitInText: true }, { firstPageSize: 50, pageSize: 1000, limit }),
      );
      assert.deepEqual(
        pages.flat(),
        Array.from({ length: limit }, (_, i) => i + 1),
      );
      return { sizes: pages.map((page) => page.length), limits };
    };
    assert.deepEqual(await read3(120), { sizes: [50, 70], limits: [50, 200] });
    assert.deepEqual(await read3(1200), { sizes: [50, 200, 800, 150], limits: [50, 200, 800, 200] });
    assert.deepEqual(await read3(3), { sizes: [3], limits: [50] });
    assert.deepEqual(await read3(2_500), {
      sizes: [50, 200, 800, 1000, 450],
      limits: [50, 200, 800, 1000, 800],
    });
  });

  it("writes a page limit as SQL only when it is a positive integer", () => {
    assert.equal(sqlLimit(50), "50");
    assert.throws(() => sqlLimit(0), RangeError);
    assert.throws(() => sqlLimit(1.5), RangeError);
    assert.throws(() => sqlLimit(Number.NaN), RangeError);
  });

  it("asks for each later page before the consumer takes the current one, one page ahead at most", async () => {
    const { db, query, limits, maxInFlight } = table(1_000);
    const requestedWhenReceived: number[] = [];
    for await (const _ of keysetPages(db, query, { firstPageSize: 50, pageSize: 1000 })) {
      requestedWhenReceived.push(limits.length);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // Pages of 50, 200 and 750: the second page is asked for once the first was taken (the first item goes
    // out first), the third as the second arrives; the last page was not full.
    assert.deepEqual(requestedWhenReceived, [1, 3, 3]);
    assert.equal(maxInFlight(), 1);
  });

  it("ends after the first page when it is not full, and yields nothing for no rows", async () => {
    const short = table(7);
    assert.deepEqual(await read(keysetPages(short.db, short.query, { firstPageSize: 50, pageSize: 1000 })), [
      [1, 2, 3, 4, 5, 6, 7],
    ]);
    assert.deepEqual(short.limits, [50]);
    const empty = table(0);
    assert.deepEqual(
      await read(keysetPages(empty.db, empty.query, { firstPageSize: 50, pageSize: 1000 })),
      [],
    );
  });

  it("stops when the signal aborts", async () => {
    const { db, query } = table(10_000);
    const controller = new AbortController();
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const page of keysetPages(db, query, {
        firstPageSize: 10,
        pageSize: 100,
        signal: controller.signal,
      })) {
        seen.push(page.length);
        controller.abort();
      }
    });
    assert.deepEqual(seen, [10]);
  });
});
