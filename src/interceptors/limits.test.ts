import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { CaseService } from "../gen/ect/v1/case_service_pb.js";
import { WorkflowService } from "../gen/workflow/workflow_pb.js";
import type { StreamLimiter } from "../resilience/stream-limiter.js";
import { connectHandler } from "../streams/connect-handler.js";
import { activeCases, caseBatches, idTable } from "../streams/test-streams.test-support.js";
import { limitsInterceptor } from "./limits.js";

/** A stream limiter that grants every slot and records the items each stream takes and its releases. */
function recordingLimiter() {
  const taken: number[] = [];
  const keys: string[] = [];
  let released = 0;
  const limiter = {
    async acquire(key: string) {
      keys.push(key);
      return {
        tryTakeItems: (n: number) => taken.push(n) > 0,
        takeItems: async () => {},
        release: () => released++,
      };
    },
  } as unknown as StreamLimiter;
  return { limiter, taken, keys, released: () => released };
}

function clients(rows: number, limiter: StreamLimiter) {
  const source = { db: idTable(rows).db, streaming: { firstPageSize: 2, pageSize: 3 } };
  const transport = createRouterTransport(
    (router) => {
      router.rpc(CaseService.method.streamCases, connectHandler(caseBatches, source));
      router.rpc(WorkflowService.method.getActiveCasesStream, connectHandler(activeCases, source));
    },
    { router: { interceptors: [limitsInterceptor(limiter)] } },
  );
  return { cases: createClient(CaseService, transport), workflow: createClient(WorkflowService, transport) };
}

describe("stream limits", () => {
  it("take a declared batch stream's items from the bucket a page at a time, and release the slot", async () => {
    const recording = recordingLimiter();
    for await (const _ of clients(7, recording.limiter).cases.streamCases({})) void _;
    assert.deepEqual(recording.taken, [2, 3, 2]);
    assert.equal(recording.released(), 1);
    assert.deepEqual(recording.keys, ["ip:unknown"], "a call without a caller is limited by its address");
  });

  it("take one item per message of an item stream", async () => {
    const recording = recordingLimiter();
    for await (const _ of clients(4, recording.limiter).workflow.getActiveCasesStream({})) void _;
    assert.deepEqual(recording.taken, [1, 1, 1, 1]);
    assert.equal(recording.released(), 1);
  });
});
