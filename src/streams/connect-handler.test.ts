import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Code,
  type ConnectError,
  createClient,
  createRouterTransport,
  type Interceptor,
} from "@connectrpc/connect";
import { CaseService } from "../gen/ect/v1/case_service_pb.js";
import { WorkflowService } from "../gen/workflow/workflow_pb.js";
import { connectHandler } from "./connect-handler.js";
import { itemCount } from "./item-count.js";
import { activeCases, caseBatches, idTable } from "./test-streams.test-support.js";

const streaming = { firstPageSize: 2, pageSize: 3 };

/** Clients of the two declared streams over a router transport whose chain records each message's weight. */
function serve(rows: number) {
  const table = idTable(rows);
  const weights: number[] = [];
  const weigh: Interceptor = (next) => async (req) => {
    const res = await next(req);
    if (!res.stream) return res;
    const source = res.message;
    return {
      ...res,
      message: (async function* () {
        for await (const message of source) {
          weights.push(itemCount(message));
          yield message;
        }
      })(),
    };
  };
  const source = { db: table.db, streaming };
  const transport = createRouterTransport(
    (router) => {
      router.rpc(CaseService.method.streamCases, connectHandler(caseBatches, source));
      router.rpc(WorkflowService.method.getActiveCasesStream, connectHandler(activeCases, source));
    },
    { router: { interceptors: [weigh] } },
  );
  return {
    cases: createClient(CaseService, transport),
    workflow: createClient(WorkflowService, transport),
    weights,
    ...table,
  };
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe("the Connect handler of a declared stream", () => {
  it("sends a batch stream as one message per keyset page, each weighing its items", async () => {
    const { cases, weights, limits } = serve(7);
    const batches = await collect(cases.streamCases({}));
    assert.deepEqual(
      batches.map((batch) => batch.cases.map((c) => c.name)),
      [
        ["cases/1", "cases/2"],
        ["cases/3", "cases/4", "cases/5"],
        ["cases/6", "cases/7"],
      ],
    );
    assert.deepEqual(weights, [2, 3, 2], "the chain weighs each batch by its items");
    assert.deepEqual(limits, [2, 3, 3], "pages grow from the first page size to the page size");
  });

  it("sends an item stream as one message per row, each weighing one", async () => {
    const { workflow, weights } = serve(5);
    const items = await collect(workflow.getActiveCasesStream({}));
    assert.deepEqual(
      items.map((item) => item.caseId),
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual(weights, [1, 1, 1, 1, 1]);
  });

  it("stops at the limit the declaration reads from the request", async () => {
    const { cases, limits } = serve(100);
    const batches = await collect(cases.streamCases({ limit: 4 }));
    assert.deepEqual(
      batches.map((batch) => batch.cases.length),
      [2, 2],
    );
    assert.deepEqual(limits, [2, 2]);
  });

  it("ends with the declaration's validation error before reading anything", async () => {
    const { cases, limits } = serve(7);
    await assert.rejects(collect(cases.streamCases({ limit: -1 })), (error: ConnectError) => {
      assert.equal(error.code, Code.InvalidArgument);
      assert.match(error.rawMessage, /^limit:/);
      return true;
    });
    assert.deepEqual(limits, [], "no page was read");
  });

  it("ends a stream of one thing that finds no rows with its not-found error", async () => {
    const { workflow } = serve(0);
    await assert.rejects(collect(workflow.getActiveCasesStream({ refId: 9 })), (error: ConnectError) => {
      assert.equal(error.code, Code.NotFound);
      assert.equal(error.rawMessage, "case 9 not found");
      return true;
    });
  });

  it("passes the call's signal to every page query", async () => {
    const { workflow, signals } = serve(5);
    await collect(workflow.getActiveCasesStream({}));
    assert.ok(signals.length > 1);
    assert.ok(signals.every((signal) => signal instanceof AbortSignal));
  });
});
