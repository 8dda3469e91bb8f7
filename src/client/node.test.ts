import assert from "node:assert/strict";
import * as http from "node:http";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { Code, ConnectError, type ConnectRouter, createClient } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health_pb.js";
import { defaultResilienceSettings } from "../resilience/settings.js";
import { createEctTransport } from "./node.js";
import { createEctTransport as createWebTransport } from "./web.js";

// One Health service behind an HTTP/2 (h2c) and an HTTP/1.1 listener, as the ECT port serves both.
const seen: { correlation: string | null; authorization: string | null }[] = [];
let failNext = 0;

function routes(router: ConnectRouter) {
  router.service(Health, {
    check(_req, ctx) {
      seen.push({
        correlation: ctx.requestHeader.get("x-correlation-id"),
        authorization: ctx.requestHeader.get("authorization"),
      });
      ctx.responseHeader.set("x-correlation-id", ctx.requestHeader.get("x-correlation-id") ?? "");
      if (failNext > 0) {
        failNext--;
        throw new ConnectError("warming up", Code.Unavailable);
      }
      return { status: HealthCheckResponse_ServingStatus.SERVING };
    },
    async *watch() {
      yield { status: HealthCheckResponse_ServingStatus.SERVING };
    },
  });
}

const h2 = http2.createServer(connectNodeAdapter({ routes }));
const h1 = http.createServer(connectNodeAdapter({ routes }));
// Client HTTP/2 sessions stay open for reuse; closing the server must end them.
const sessions = new Set<http2.ServerHttp2Session>();
h2.on("session", (session) => {
  sessions.add(session);
  session.on("close", () => sessions.delete(session));
});
let h2Url = "";
let h1Url = "";

before(async () => {
  await new Promise<void>((resolve) => h2.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => h1.listen(0, "127.0.0.1", resolve));
  h2Url = `http://127.0.0.1:${(h2.address() as AddressInfo).port}`;
  h1Url = `http://127.0.0.1:${(h1.address() as AddressInfo).port}`;
});

after(async () => {
  h1.closeAllConnections();
  await new Promise((resolve) => h1.close(resolve));
  for (const session of sessions) session.destroy();
  await new Promise((resolve) => h2.close(resolve));
});

const fastRetry = {
  ...defaultResilienceSettings,
  retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2, jitter: false },
};

for (const protocol of ["grpc", "grpc-web", "connect"] as const) {
  test(`over ${protocol} every call carries a correlation id and the bearer token, and a listed method is retried`, async () => {
    seen.length = 0;
    failNext = 1;
    const transport = createEctTransport({
      baseUrl: h2Url,
      protocol,
      token: () => "t0ken",
      settings: fastRetry,
      idempotentMethods: ["grpc.health.v1.Health/Check"],
    });
    const client = createClient(Health, transport);
    const res = await client.check({});
    assert.equal(res.status, HealthCheckResponse_ServingStatus.SERVING);
    assert.equal(seen.length, 2, "one failure, one retry");
    assert.match(seen[0].correlation ?? "", /^corr-\d{14}-[0-9a-f]{32}$/);
    assert.equal(seen[1].correlation, seen[0].correlation, "a retry keeps the call's id");
    assert.equal(seen[0].authorization, "Bearer t0ken");
    assert.equal(transport.correlation.last(), seen[0].correlation);
    assert.equal(transport.breakerState(), "closed");
    const statuses = [];
    for await (const m of client.watch({})) statuses.push(m.status);
    assert.deepEqual(statuses, [HealthCheckResponse_ServingStatus.SERVING]);
  });
}

test("the browser transport speaks gRPC-Web and Connect over fetch with the same interceptors", async () => {
  for (const protocol of ["grpc-web", "connect"] as const) {
    seen.length = 0;
    const transport = createWebTransport({ baseUrl: h1Url, protocol, token: () => "web" });
    const res = await createClient(Health, transport).check({});
    assert.equal(res.status, HealthCheckResponse_ServingStatus.SERVING);
    assert.equal(seen[0].authorization, "Bearer web");
    assert.equal(transport.correlation.last(), seen[0].correlation);
  }
});

test("the browser transport refuses plain gRPC", () => {
  assert.throws(() => createWebTransport({ baseUrl: h1Url, protocol: "grpc" }), /grpc-web/);
});
