import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestServer, type TestServer } from "./support/test-server.js";

/** One anonymous call of a public RPC, as REST or as Connect, with the headers given. */
async function anonymousCall(
  server: TestServer,
  protocol: "rest" | "connect",
  headers: Record<string, string> = {},
): Promise<{ status: number; code?: number; retryAfter: string | null }> {
  const response =
    protocol === "rest"
      ? await fetch(`${server.url}/ect/v1/demo-users`, { headers })
      : await fetch(`${server.url}/ect.v1.IdentityService/ListDemoUsers`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: "{}",
        });
  const body = (await response.json()) as { code?: number | string };
  const code = typeof body.code === "string" ? (body.code === "resource_exhausted" ? 8 : -1) : body.code;
  return { status: response.status, code, retryAfter: response.headers.get("retry-after") };
}

/** A burst of 3, then one call a second: the anonymous limit made small enough to hit. */
const SMALL_LIMIT = { ECT_ANONYMOUS_RATE_PER_SECOND: "1", ECT_ANONYMOUS_BURST: "3" };

describe("the anonymous rate limit keys on the real client address", { timeout: 120_000 }, () => {
  describe("with no trusted proxy", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(undefined, SMALL_LIMIT);
    });
    after(async () => server?.stop());

    it("limits anonymous REST and Connect calls however X-Forwarded-For varies", async () => {
      const began = Date.now();
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) => {
          const forged = { "x-forwarded-for": `198.51.100.${i + 1}`, "x-real-ip": `198.51.100.${i + 1}` };
          return anonymousCall(server, i % 2 === 0 ? "rest" : "connect", forged);
        }),
      );
      const allowed = outcomes.filter((outcome) => outcome.status === 200).length;
      // The burst, plus one a second for however long the calls took: the forged addresses share one bucket.
      const budget = 3 + Math.ceil((Date.now() - began) / 1000);
      assert.ok(allowed <= budget, `${allowed} of 12 allowed, at most ${budget} may be`);
      const limited = outcomes.filter((outcome) => outcome.status === 429);
      assert.equal(limited.length, 12 - allowed, "every other call is RESOURCE_EXHAUSTED");
      assert.ok(limited.every((outcome) => outcome.code === 8 && /^\d+$/.test(outcome.retryAfter ?? "")));
    });
  });

  describe("behind a trusted proxy", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(undefined, { ...SMALL_LIMIT, ECT_TRUSTED_PROXIES: "127.0.0.1" });
    });
    after(async () => server?.stop());

    it("gives each forwarded client its own bucket, and believes only the right-most untrusted hop", async () => {
      const burst = (headers: Record<string, string>) =>
        Promise.all(
          Array.from({ length: 8 }, (_, i) => anonymousCall(server, i % 2 ? "connect" : "rest", headers)),
        );
      const limitedIn = (outcomes: { status: number }[]) =>
        outcomes.filter((outcome) => outcome.status === 429).length;
      assert.ok(
        limitedIn(await burst({ "x-forwarded-for": "203.0.113.1" })) >= 3,
        "the first client runs dry",
      );
      // The proxy appended 203.0.113.1; the client wrote the fresh-looking address in front of it.
      const forgedInFront = await burst({ "x-forwarded-for": "203.0.113.2, 203.0.113.1" });
      assert.ok(limitedIn(forgedInFront) >= 6, "the forged hop in front buys nothing");
      const second = await burst({ "x-forwarded-for": "203.0.113.2" });
      assert.ok(limitedIn(second) <= 5, "another client has its own burst of 3");
    });
  });

  describe("ECT's own headers", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(undefined);
    });
    after(async () => server?.stop());

    it("drops a client-sent x-ect-* header: a native call that claims to be transcoded REST is not", async () => {
      const labelled = async () =>
        (await server.app.metrics.registry.getSingleMetricAsString("ect_rpc_duration_seconds"))
          .split("\n")
          .filter((line) => line.includes("_count{") && line.includes('/ListDemoUsers"'));
      const response = await anonymousCall(server, "connect", { "x-ect-transcoded": "1" });
      assert.equal(response.status, 200);
      const lines = await labelled();
      assert.ok(
        lines.some((line) => line.includes('protocol="connect"')),
        lines.join("\n"),
      );
      assert.ok(!lines.some((line) => line.includes('protocol="rest"')), "not labelled as REST");
    });
  });
});
