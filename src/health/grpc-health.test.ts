import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { promisify } from "node:util";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import {
  file_grpc_health_v1_health,
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../gen/grpc/health/v1/health_pb.js";
import { registerHealth } from "./grpc-health.js";
import { HealthMonitor, type HealthStatus } from "./health-monitor.js";
import { registerReflection } from "./reflection.js";

const exec = promisify(execFile);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A check whose status the test sets. */
function settable(name: string) {
  const check = {
    name,
    tags: ["ready" as const],
    status: "Healthy" as HealthStatus,
    runs: 0,
    run: async () => {
      check.runs++;
      return { status: check.status };
    },
  };
  return check;
}

describe("grpc.health.v1.Health", () => {
  const db = settable("database");
  const memory = settable("memory");
  // No cache and a fast refresh loop, so a status the test sets reaches watchers within ~20 ms.
  const monitor = new HealthMonitor([db, memory], { cacheMs: 0, refreshMs: 20 });
  let server: http2.Http2Server;
  const sessions = new Set<http2.ServerHttp2Session>();
  let baseUrl: string;
  let client: ReturnType<typeof createClient<typeof Health>>;

  before(async () => {
    server = http2.createServer(
      connectNodeAdapter({
        routes: (router) => {
          registerHealth(router, monitor, { services: ["ect.v1.CaseService"] });
          registerReflection(router, [file_grpc_health_v1_health]);
        },
      }),
    );
    server.on("session", (session) => sessions.add(session));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = createClient(Health, createGrpcTransport({ baseUrl }));
  });

  beforeEach(() => {
    db.status = "Healthy";
    memory.status = "Healthy";
  });

  after(async () => {
    monitor.close();
    // The client transports keep their sessions open; close() waits for every session to end.
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("serves the whole server, each listed service and each check while all is Healthy", async () => {
    for (const service of ["", "ect.v1.CaseService", "database", "memory"]) {
      assert.equal((await client.check({ service })).status, ServingStatus.SERVING, service);
    }
  });

  it("still serves while Degraded and stops serving when a check is Unhealthy", async () => {
    db.status = "Degraded";
    assert.equal((await client.check({ service: "" })).status, ServingStatus.SERVING);
    db.status = "Unhealthy";
    assert.equal((await client.check({ service: "" })).status, ServingStatus.NOT_SERVING);
    assert.equal((await client.check({ service: "ect.v1.CaseService" })).status, ServingStatus.NOT_SERVING);
    assert.equal((await client.check({ service: "memory" })).status, ServingStatus.SERVING);
  });

  it("answers Check for an unknown service with NOT_FOUND", async () => {
    await assert.rejects(client.check({ service: "nope.Service" }), (error) => {
      assert.equal(ConnectError.from(error).code, Code.NotFound);
      return true;
    });
  });

  it("lists every known name with its status", async () => {
    memory.status = "Unhealthy";
    const { statuses } = await client.list({});
    assert.deepEqual(Object.fromEntries(Object.entries(statuses).map(([name, s]) => [name, s.status])), {
      "": ServingStatus.NOT_SERVING,
      "ect.v1.CaseService": ServingStatus.NOT_SERVING,
      database: ServingStatus.SERVING,
      memory: ServingStatus.NOT_SERVING,
    });
  });

  it("sends the current status on Watch, then each change until the client cancels", async () => {
    const controller = new AbortController();
    const stream = client.watch({ service: "" }, { signal: controller.signal })[Symbol.asyncIterator]();
    assert.equal((await stream.next()).value.status, ServingStatus.SERVING);
    db.status = "Unhealthy";
    assert.equal((await stream.next()).value.status, ServingStatus.NOT_SERVING);
    db.status = "Degraded";
    assert.equal((await stream.next()).value.status, ServingStatus.SERVING);
    controller.abort();
    await assert.rejects(stream.next(), (error) => ConnectError.from(error).code === Code.Canceled);
  });

  it("watches a single check without hearing about the others", async () => {
    const controller = new AbortController();
    const stream = client.watch({ service: "memory" }, { signal: controller.signal })[Symbol.asyncIterator]();
    assert.equal((await stream.next()).value.status, ServingStatus.SERVING);
    db.status = "Unhealthy";
    const next = stream.next();
    const early = await Promise.race([next.then(() => "sent"), delay(80).then(() => "quiet")]);
    assert.equal(early, "quiet", "a database change reached the memory watcher");
    memory.status = "Unhealthy";
    assert.equal((await next).value.status, ServingStatus.NOT_SERVING);
    controller.abort();
    await stream.next().catch(() => {});
  });

  it("stops re-running checks once the last watcher has gone", async () => {
    const controller = new AbortController();
    const stream = client.watch({ service: "" }, { signal: controller.signal })[Symbol.asyncIterator]();
    await stream.next();
    controller.abort();
    await stream.next().catch(() => {});
    await delay(50);
    const runs = db.runs;
    await delay(80);
    assert.equal(db.runs, runs);
  });

  it("answers Watch for an unknown service with SERVICE_UNKNOWN and keeps the call open", async () => {
    const controller = new AbortController();
    const stream = client
      .watch({ service: "nope.Service" }, { signal: controller.signal })
      [Symbol.asyncIterator]();
    assert.equal((await stream.next()).value.status, ServingStatus.SERVICE_UNKNOWN);
    const next = stream.next();
    const outcome = await Promise.race([
      next.then(
        () => "ended",
        () => "ended",
      ),
      delay(50).then(() => "open"),
    ]);
    assert.equal(outcome, "open");
    controller.abort();
    await next.catch(() => {});
  });

  it("is callable by buf curl through server reflection", async () => {
    const { stdout } = await exec(
      "node_modules/.bin/buf",
      [
        "curl",
        "--protocol",
        "grpc",
        "--http2-prior-knowledge",
        "-d",
        '{"service":""}',
        `${baseUrl}/grpc.health.v1.Health/Check`,
      ],
      { timeout: 30_000 },
    );
    assert.deepEqual(JSON.parse(stdout), { status: "SERVING" });
  });
});
