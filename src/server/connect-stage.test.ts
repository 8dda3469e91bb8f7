import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { Health, HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health_pb.js";
import { connectStage } from "./connect-stage.js";

const stage = connectStage({
  routes: (router) => {
    router.service(Health, {
      check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }),
      watch: async function* () {},
      list: () => ({}),
    });
  },
});
const returned: unknown[] = [];

let base = "";
let server: http.Server;
before(async () => {
  server = http.createServer((req, res) => {
    const answered = stage(req, res);
    returned.push(answered);
    if (answered === false) {
      res.statusCode = 418;
      res.end("passed on");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

describe("connect-node as a cascade stage", () => {
  test("an RPC path is answered by connect-node, and the stage says so at once", async () => {
    returned.length = 0;
    const res = await fetch(`${base}/grpc.health.v1.Health/Check`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "SERVING" });
    assert.deepEqual(returned, [true]);
  });

  test("any other path passes to the next stage untouched, synchronously (connect-node calls fallback before returning)", async () => {
    returned.length = 0;
    const res = await fetch(`${base}/v1/cases`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 418);
    assert.equal(await res.text(), "passed on");
    assert.deepEqual(returned, [false]);
  });
});
