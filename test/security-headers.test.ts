import assert from "node:assert/strict";
import { get as httpGet, type IncomingMessage } from "node:http";
import { after, before, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { IdentityService } from "../src/gen/ect/v1/identity_service_pb.js";
import { ensureWebBuilt } from "./e2e/build-web.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

/** Headers every response carries, whatever served it. */
function assertBaseHeaders(headers: Headers | Map<string, string>, what: string): void {
  const get = (name: string) => headers.get(name) ?? null;
  assert.equal(get("x-content-type-options"), "nosniff", `${what}: nosniff`);
  assert.equal(get("referrer-policy"), "no-referrer", `${what}: referrer policy`);
  assert.match(get("content-security-policy") ?? "", /frame-ancestors 'none'/, `${what}: never framed`);
}

/** The CSP's directives by name. */
function directives(policy: string | null): Map<string, string> {
  return new Map(
    (policy ?? "").split(";").map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      return [name, values.join(" ")];
    }),
  );
}

describe("security headers on every response", { timeout: 120_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(undefined);
  });
  after(async () => server?.stop());

  it("on Connect and REST calls, answers and errors alike, with no-store and the API CSP", async () => {
    const responses = {
      "Connect unary": await fetch(`${server.url}/ect.v1.IdentityService/ListDemoUsers`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
      "REST answer": await fetch(`${server.url}/ect/v1/demo-users`),
      "REST refusal": await fetch(`${server.url}/ect/v1/me`),
      "Connect refusal": await fetch(`${server.url}/ect.v1.IdentityService/GetCurrentUser`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    };
    for (const [what, response] of Object.entries(responses)) {
      assertBaseHeaders(response.headers, what);
      assert.equal(response.headers.get("cache-control"), "no-store", `${what}: never cached`);
      assert.equal(directives(response.headers.get("content-security-policy")).get("default-src"), "'none'");
      await response.body?.cancel();
    }
    assert.equal(responses["REST refusal"].status, 401);
    assert.equal(responses["Connect refusal"].status, 401);
  });

  it("on native gRPC over HTTP/2", async () => {
    let headers: Headers | undefined;
    const transport = createGrpcTransport({
      baseUrl: server.url,
      interceptors: [
        (next) => async (req) => {
          const res = await next(req);
          headers = res.header;
          return res;
        },
      ],
    });
    await createClient(IdentityService, transport).listDemoUsers({});
    assert.ok(headers);
    assertBaseHeaders(headers, "gRPC");
    assert.equal(headers.get("cache-control"), "no-store");
  });

  it("on the plain HTTP routes: health, metrics refusal, OpenAPI, a miss", async () => {
    for (const path of ["/alive", "/health", "/metrics", "/openapi.json", "/no/such/path"]) {
      const response = await fetch(`${server.url}${path}`);
      assertBaseHeaders(response.headers, path);
      assert.equal(response.headers.get("cache-control"), "no-store", `${path}: never cached`);
      await response.body?.cancel();
    }
  });

  it("gives the docs page a strict page CSP: own origin only, its inline script by hash", async () => {
    const response = await fetch(`${server.url}/docs`);
    assertBaseHeaders(response.headers, "/docs");
    const policy = directives(response.headers.get("content-security-policy"));
    assert.equal(policy.get("default-src"), "'self'");
    assert.match(policy.get("script-src") ?? "", /^'self' 'sha256-[A-Za-z0-9+/]+=*'$/);
    assert.equal(policy.get("object-src"), "'none'");
    assert.doesNotMatch(response.headers.get("content-security-policy") ?? "", /unsafe-inline|unsafe-eval/);
    assert.doesNotMatch(await response.text(), /persistAuthorization: true/);
    const asset = await fetch(`${server.url}/docs/assets/swagger-ui.css`);
    assert.equal(asset.status, 200);
    assertBaseHeaders(asset.headers, "docs asset");
    await asset.body?.cancel();
  });

  it("leaves a reloaded page its page CSP: a 304 revalidation carries no API CSP to merge into it", async () => {
    await ensureWebBuilt();
    const page = await fetch(`${server.url}/`, { headers: { accept: "text/html" } });
    assert.equal(page.status, 200);
    assert.equal(directives(page.headers.get("content-security-policy")).get("default-src"), "'self'");
    const etag = page.headers.get("etag");
    await page.body?.cancel();
    assert.ok(etag, "the web client's page is revalidated, not refetched");
    // node:http, not fetch: fetch adds Cache-Control: no-cache to a conditional request, which never gets a 304.
    const again = await new Promise<IncomingMessage>((resolve, reject) =>
      httpGet(`${server.url}/`, { headers: { accept: "text/html", "if-none-match": etag } }, resolve).on(
        "error",
        reject,
      ),
    );
    again.resume();
    assert.equal(again.statusCode, 304);
    assert.equal(again.headers["content-security-policy"], undefined);
    assert.equal(again.headers["x-content-type-options"], "nosniff");
  });
});
