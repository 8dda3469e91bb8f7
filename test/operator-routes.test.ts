import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { signIn } from "./support/clients.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

const MAX_OTLP_BYTES = 4096;

/** A valid OTLP/JSON request with one span. */
function otlpBody(name = "external-span"): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "probe" } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: randomBytes(16).toString("hex"),
                spanId: randomBytes(8).toString("hex"),
                name,
                kind: 1,
                startTimeUnixNano: String(now),
                endTimeUnixNano: String(now + 1_000_000n),
              },
            ],
          },
        ],
      },
    ],
  });
}

/** The google.rpc.Status JSON an error answer carries. */
async function status(response: Response): Promise<{ code: number; message: string; details: unknown[] }> {
  const body = (await response.json()) as { code: number; message: string; details: unknown[] };
  assert.deepEqual(Object.keys(body).sort(), ["code", "details", "message"], "a google.rpc.Status body");
  assert.deepEqual(body.details, []);
  return body;
}

describe("operator routes: health details, metrics and the OTLP receiver", { timeout: 120_000 }, () => {
  let server: TestServer;
  let admin: string;
  let medtech: string;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    server = await startTestServer(undefined, {
      ECT_OTLP_MAX_REQUEST_BYTES: String(MAX_OTLP_BYTES),
      ECT_OTLP_RATE_PER_SECOND: "1",
    });
    admin = await signIn(server.url, "admin");
    medtech = await signIn(server.url, "medtech");
  });
  after(async () => server?.stop());

  it("keeps the bare status public: /alive, /healthz and /health answer {status} without a token", async () => {
    for (const path of ["/alive", "/healthz", "/health", "/health/streaming"]) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 200, path);
      assert.deepEqual(await response.json(), { status: "Healthy" }, `${path} tells nothing but the status`);
    }
  });

  it("serves the health details only to a caller with operatorView", async () => {
    const details = await fetch(`${server.url}/health`, { headers: bearer(admin) });
    assert.equal(details.status, 200);
    const report = (await details.json()) as { checks: Record<string, unknown> };
    assert.ok(report.checks.database, "the administrator sees the checks");
    const refused = await fetch(`${server.url}/health`, { headers: bearer(medtech) });
    assert.equal(refused.status, 403);
    assert.equal((await status(refused)).code, 7);
    const forged = await fetch(`${server.url}/healthz`, { headers: bearer("not-a-token") });
    assert.equal(forged.status, 401);
    assert.equal((await status(forged)).code, 16);
  });

  it("serves /metrics only to a caller with operatorView: 401 without a token, 403 without the permission", async () => {
    const anonymous = await fetch(`${server.url}/metrics`);
    assert.equal(anonymous.status, 401);
    assert.equal((await status(anonymous)).code, 16);
    const refused = await fetch(`${server.url}/metrics`, { headers: bearer(medtech) });
    assert.equal(refused.status, 403);
    assert.match((await status(refused)).message, /operatorView/);
    const allowed = await fetch(`${server.url}/metrics`, { headers: bearer(admin) });
    assert.equal(allowed.status, 200);
    assert.match(await allowed.text(), /^# HELP /m);
  });

  it("takes spans only from a caller with telemetryWrite, and reads no body before that", async () => {
    const post = (headers: Record<string, string>, body = otlpBody()) =>
      fetch(`${server.url}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    const anonymous = await post({});
    assert.equal(anonymous.status, 401);
    assert.equal((await status(anonymous)).code, 16);
    // An oversize body from nobody is refused for who sent it, not parsed and measured.
    assert.equal((await post({}, "x".repeat(MAX_OTLP_BYTES * 4))).status, 401);
    const refused = await post(bearer(medtech));
    assert.equal(refused.status, 403);
    assert.match((await status(refused)).message, /telemetryWrite/);
    const accepted = await post(bearer(admin), otlpBody("accepted-from-admin"));
    assert.equal(accepted.status, 200);
    assert.deepEqual(await accepted.json(), { accepted: 1 });
  });

  it("refuses an OTLP body over the configured size with 413", async () => {
    // A fresh second for the rate limit, so the size is what is refused.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const padded = otlpBody(`big-${"y".repeat(MAX_OTLP_BYTES)}`);
    const response = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(admin) },
      body: padded,
    });
    assert.equal(response.status, 413);
    assert.equal((await status(response)).code, 8);
  });

  it("rate-limits each sender: a burst beyond twice the per-second rate gets 429 with Retry-After", async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${server.url}/v1/traces`, {
          method: "POST",
          headers: { "content-type": "application/json", ...bearer(admin) },
          body: otlpBody(),
        }),
      ),
    );
    const limited = responses.filter((response) => response.status === 429);
    assert.ok(limited.length >= 4, `most of the burst is refused (${limited.length} of 8)`);
    assert.match(limited[0].headers.get("retry-after") ?? "", /^\d+$/);
    assert.equal((await status(limited[0])).code, 8);
    for (const response of responses) if (!response.bodyUsed) await response.body?.cancel();
  });
});
