import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { WorkflowService } from "../../src/gen/workflow/workflow_pb.js";
import { collect, grpcClient, signIn } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe("a unary WorkflowService lookup stops at ECT_UNARY_LOOKUP_MAX_ITEMS and names its stream twin", () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer(undefined, { ECT_UNARY_LOOKUP_MAX_ITEMS: "3" });
    token = await signIn(server.url, "admin");
  });
  after(() => server?.stop());

  it("refuses more than the configured items with FAILED_PRECONDITION, while the stream twin serves them all", async () => {
    const client = grpcClient(server.url, WorkflowService, token);
    const streamed = await collect(client.getActiveCasesStream({}));
    assert.ok(streamed.length > 3, `the demo data has more than 3 active cases (got ${streamed.length})`);
    await assert.rejects(
      client.getActiveCases({}),
      (error: unknown) =>
        error instanceof ConnectError &&
        error.code === Code.FailedPrecondition &&
        /at most 3 items .*GetActiveCasesStream/.test(error.rawMessage),
    );
  });
});
