import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestServer, type TestServer } from "./support/test-server.js";

describe("CORS from the allow-list", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(undefined, { ECT_CORS_ORIGINS: "https://ect.example.mil" });
  });
  after(async () => server?.stop());

  it("answers a preflight from a listed origin with the methods and headers browsers need", async () => {
    const response = await fetch(`${server.url}/ect.v1.CaseService/GetCase`, {
      method: "OPTIONS",
      headers: {
        origin: "https://ect.example.mil",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,authorization,x-grpc-web,x-correlation-id",
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "https://ect.example.mil");
    assert.match(response.headers.get("access-control-allow-methods") ?? "", /POST/);
    for (const header of ["authorization", "content-type", "x-grpc-web", "x-correlation-id"]) {
      assert.match(response.headers.get("access-control-allow-headers") ?? "", new RegExp(header));
    }
    assert.equal(response.headers.get("vary"), "Origin");
  });

  it("exposes the correlation id and status headers to a listed origin on real calls", async () => {
    const response = await fetch(`${server.url}/ect/v1/demo-users`, {
      headers: { origin: "https://ect.example.mil" },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("access-control-allow-origin"), "https://ect.example.mil");
    assert.match(response.headers.get("access-control-expose-headers") ?? "", /x-correlation-id/);
  });

  it("gives an unlisted origin no CORS headers, so the browser blocks it", async () => {
    const preflight = await fetch(`${server.url}/ect.v1.CaseService/GetCase`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    assert.equal(preflight.headers.get("access-control-allow-origin"), null);
    const call = await fetch(`${server.url}/ect/v1/demo-users`, {
      headers: { origin: "https://evil.example" },
    });
    assert.equal(call.headers.get("access-control-allow-origin"), null);
  });
});
