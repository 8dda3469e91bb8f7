import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CaseService } from "../gen/ect/v1/case_service_pb.js";
import { pageSource } from "./page-source.js";
import type { AnyPagedStream } from "./paged-stream.js";
import { activeCases, caseBatches, idTable } from "./test-streams.test-support.js";

const context = { signal: new AbortController().signal } as never;

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe("the page source of a declared stream", () => {
  it("yields each keyset page's rows mapped to items, and names the batch field for the frame encoder", async () => {
    const { db } = idTable(5);
    const batches = pageSource(caseBatches, { db, streaming: { firstPageSize: 2, pageSize: 10 } });
    assert.equal(batches.method, CaseService.method.streamCases);
    assert.equal(batches.batch?.name, "cases");
    assert.deepEqual(await collect(batches.pages({ limit: 0 }, context)), [
      [
        { id: 1, name: "cases/1" },
        { id: 2, name: "cases/2" },
      ],
      [
        { id: 3, name: "cases/3" },
        { id: 4, name: "cases/4" },
        { id: 5, name: "cases/5" },
      ],
    ]);
    assert.equal(
      pageSource(activeCases, { db, streaming: { firstPageSize: 2, pageSize: 10 } }).batch,
      undefined,
    );
  });

  it("reads with other page sizes when asked (a unary answer collecting the pages)", async () => {
    const { db, limits } = idTable(25);
    const { pages } = pageSource(activeCases, { db, streaming: { firstPageSize: 2, pageSize: 10 } });
    const read = await collect(pages({}, context, { firstPageSize: 10, pageSize: 10, limit: 21 }));
    assert.deepEqual(
      read.map((page) => page.length),
      [10, 10, 1],
    );
    assert.deepEqual(limits, [10, 10, 1]);
  });

  it("refuses a batch field that is not a repeated field of the response", () => {
    const wrong = { ...caseBatches, batch: "nothing" } as unknown as AnyPagedStream;
    const { db } = idTable(0);
    assert.throws(
      () => pageSource(wrong, { db, streaming: { firstPageSize: 2, pageSize: 10 } }),
      /StreamCases: nothing is not a repeated field of ect.v1.StreamCasesResponse/,
    );
  });
});
