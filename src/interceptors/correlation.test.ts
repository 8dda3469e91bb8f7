import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import {
  Health,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from "../gen/grpc/health/v1/health_pb.js";
import { currentCorrelationId } from "../telemetry/correlation.js";
import { correlationIdForHttp, correlationInterceptor } from "./correlation.js";

const seen: (string | undefined)[] = [];

const transport = createRouterTransport(
  (router) =>
    router.service(Health, {
      async check(req) {
        await tick();
        seen.push(currentCorrelationId());
        if (req.service === "fail") throw new ConnectError("no such service", Code.NotFound);
        return { status: HealthCheckResponse_ServingStatus.SERVING };
      },
      async *watch() {
        for (let i = 0; i < 3; i++) {
          await tick();
          seen.push(currentCorrelationId());
          yield create(HealthCheckResponseSchema, { status: HealthCheckResponse_ServingStatus.SERVING });
        }
      },
    }),
  { router: { interceptors: [correlationInterceptor] } },
);
const client = createClient(Health, transport);

describe("correlation interceptor", () => {
  it("keeps a valid incoming id, runs the handler under it and echoes it", async () => {
    seen.length = 0;
    let echoed: string | null = null;
    await client.check(
      { service: "" },
      { headers: { "x-correlation-id": "req-42" }, onHeader: (h) => (echoed = h.get("x-correlation-id")) },
    );
    assert.equal(echoed, "req-42");
    assert.deepEqual(seen, ["req-42"]);
  });

  it("replaces an invalid id and echoes the generated one", async () => {
    seen.length = 0;
    let echoed: string | null = null;
    await client.check(
      { service: "" },
      { headers: { "x-correlation-id": "bad id!" }, onHeader: (h) => (echoed = h.get("x-correlation-id")) },
    );
    assert.match(echoed ?? "", /^corr-\d{14}-[0-9a-f]{32}$/);
    assert.deepEqual(seen, [echoed]);
  });

  it("puts the id on the error of a failed call", async () => {
    const error = await client
      .check({ service: "fail" }, { headers: { "x-correlation-id": "req-err" } })
      .catch((e: unknown) => ConnectError.from(e));
    assert.ok(error instanceof ConnectError);
    assert.equal(error.code, Code.NotFound);
    assert.equal(error.metadata.get("x-correlation-id"), "req-err");
  });

  it("sends the header before the first streamed message and keeps the context for every item", async () => {
    seen.length = 0;
    let echoed: string | null = null;
    let itemsBeforeHeader = -1;
    let received = 0;
    const stream = client.watch(
      { service: "" },
      {
        headers: { "x-correlation-id": "stream-7" },
        onHeader: (h) => {
          echoed = h.get("x-correlation-id");
          itemsBeforeHeader = received;
        },
      },
    );
    for await (const _ of stream) received++;
    assert.equal(received, 3);
    assert.equal(echoed, "stream-7");
    assert.equal(itemsBeforeHeader, 0);
    assert.deepEqual(seen, ["stream-7", "stream-7", "stream-7"]);
  });

  it("gives plain HTTP routes the same rule", () => {
    assert.equal(correlationIdForHttp("abc"), "abc");
    assert.equal(correlationIdForHttp(["first", "second"]), "first");
    assert.match(correlationIdForHttp(undefined), /^corr-/);
  });
});
