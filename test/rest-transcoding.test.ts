import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { type DescMessage, toJson } from "@bufbuild/protobuf";
import { LogItemSchema, WorkflowService } from "../src/gen/workflow/workflow_pb.js";
import { API_SERVICES } from "../src/server/services.js";
import { buildRoutes, type RestRoute } from "../src/transcoding/route-table.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { fetchFor, parseNdjson, parseSse } from "./support/http-streams.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

/** Seeded process log rows, streamed one message per row by GET /v1/logs/stream. */
const LOG_ROWS = 600;

/** Every field name (proto and JSON spelling) of a message and the messages it holds, two levels deep. */
function fieldNames(message: DescMessage, depth = 2): Set<string> {
  const names = new Set<string>();
  for (const field of message.fields) {
    names.add(field.name);
    names.add(field.jsonName);
    if (depth > 1 && field.message) for (const name of fieldNames(field.message, depth - 1)) names.add(name);
  }
  return names;
}

interface StatusBody {
  code: number;
  message: string;
  details: unknown[];
}

function isStatusBody(body: unknown): body is StatusBody {
  const b = body as StatusBody;
  return typeof b === "object" && b !== null && typeof b.code === "number" && typeof b.message === "string";
}

describe("REST transcoding against a running server", { timeout: 110_000 }, () => {
  let server: TestServer;
  const tokens = new Map<string, string>();
  const auth = (user: string) => ({ authorization: `Bearer ${tokens.get(user)}` });

  before(async () => {
    server = await startTestServer(undefined);
    for (const user of ["admin", "medtech", "medofficer"]) tokens.set(user, await signIn(server.url, user));
  });
  after(async () => server?.stop());

  it("gives every RPC of every service at least one REST route from its annotation", () => {
    const routed = new Set(buildRoutes(API_SERVICES).map((route) => route.method));
    const missing = API_SERVICES.flatMap((service) => service.methods)
      .filter((method) => !routed.has(method))
      .map((method) => `${method.parent.typeName}/${method.name}`);
    assert.deepEqual(missing, [], "RPCs without a google.api.http route");
  });

  it("answers the administrator on every GET route without path variables with JSON or NDJSON, or 400 naming the missing field", async () => {
    const routes = buildRoutes(API_SERVICES).filter(
      (route) => route.httpMethod === "GET" && route.template.variables.length === 0,
    );
    assert.ok(routes.length > 50, `expected many parameterless GET routes, found ${routes.length}`);
    const problems: string[] = [];
    const outcomes = { ok: 0, clientError: new Map<number, number>() };
    for (const route of routes) {
      const problem = await checkGetRoute(route);
      if (problem) problems.push(`${route.template.source} (${route.method.name}): ${problem}`);
    }
    assert.deepEqual(problems, [], "routes that did not answer as their annotation says");

    async function checkGetRoute(route: RestRoute): Promise<string | undefined> {
      const streaming = route.method.methodKind === "server_streaming";
      // Watches never end by themselves; read a few seconds of them.
      const res = await fetchFor(`${server.url}${route.template.source}`, { headers: auth("admin") }, 4_000);
      const type = res.headers.get("content-type") ?? "";
      if (res.status >= 500) return `${res.status} ${res.text.slice(0, 200)}`;
      if (res.status >= 400) {
        // The administrator holds every permission and sees every unit: the only refusal a route without
        // its parameters may give is 400 for the missing one (a 401, 403 or 404 would be a broken route).
        if (res.status !== 400) return `${res.status} for the administrator: ${res.text.slice(0, 200)}`;
        if (!type.startsWith("application/json")) return `${res.status} with content-type ${type}`;
        const body: unknown = JSON.parse(res.text);
        if (!isStatusBody(body)) return `${res.status} body is not a google.rpc.Status: ${res.text}`;
        if (body.code !== 3) return `400 with code ${body.code}, not INVALID_ARGUMENT`;
        const names = fieldNames(route.method.input);
        const named = [...names].some((name) => body.message.includes(name));
        if (!named) return `400 message names no request field: ${body.message}`;
        outcomes.clientError.set(res.status, (outcomes.clientError.get(res.status) ?? 0) + 1);
        return undefined;
      }
      if (res.status < 200 || res.status > 299) return `unexpected status ${res.status}`;
      if (streaming) {
        if (!type.startsWith("application/x-ndjson")) return `stream answered ${type}`;
        const lines = parseNdjson(
          res.truncated ? res.text.slice(0, res.text.lastIndexOf("\n") + 1) : res.text,
        );
        const failure = lines.find((line) => (line as { error?: unknown }).error !== undefined);
        if (failure) return `stream failed in-band: ${JSON.stringify(failure)}`;
      } else {
        if (!type.startsWith("application/json")) return `unary answered ${type}`;
        const body: unknown = JSON.parse(res.text);
        if (typeof body !== "object" || body === null) return `body is not a JSON object: ${res.text}`;
      }
      outcomes.ok++;
      return undefined;
    }
    const clientErrors = [...outcomes.clientError].map(([status, n]) => `${n}×${status}`).join(", ");
    console.log(
      `REST GET routes: ${outcomes.ok} answered 2xx; missing parameters: ${clientErrors || "none"}`,
    );
  });

  it("serves an OpenAPI document that validates, at /openapi.json and its Swagger alias", async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    assert.match(doc.openapi, /^3\.1\./);
    await SwaggerParser.validate(structuredClone(doc) as never);
    const alias = await fetch(`${server.url}/swagger/v1/swagger.json`);
    assert.equal(alias.status, 200);
    assert.deepEqual(await alias.json(), doc, "the alias serves the same document");
  });

  describe("the error table, as curl sees it", () => {
    async function call(method: string, path: string, headers: Record<string, string>, body?: string) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body,
      });
      const type = res.headers.get("content-type") ?? "";
      assert.match(type, /^application\/json/, `${method} ${path} answers JSON`);
      const json: unknown = await res.json();
      assert.ok(isStatusBody(json), `${method} ${path} answers a google.rpc.Status: ${JSON.stringify(json)}`);
      return { status: res.status, body: json, headers: res.headers };
    }

    it("answers 401 UNAUTHENTICATED without a token", async () => {
      const res = await call("GET", "/ect/v1/cases", {});
      assert.equal(res.status, 401);
      assert.equal(res.body.code, 16);
      assert.match(res.body.message, /Bearer/);
    });

    it("answers 403 PERMISSION_DENIED when the role lacks the permission", async () => {
      const body = JSON.stringify({ memberId: "1", incidentDescription: "Twisted knee" });
      const res = await call("POST", "/ect/v1/cases", auth("medofficer"), body);
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 7);
      assert.match(res.body.message, /permission/);
    });

    it("answers 404 NOT_FOUND for an unknown case", async () => {
      const res = await call("GET", "/ect/v1/cases/987654321", auth("admin"));
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 5);
      assert.match(res.body.message, /987654321/);
    });

    it("answers 404 as JSON for an unknown path", async () => {
      const res = await call("GET", "/ect/v1/no-such-collection", auth("admin"));
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 5);
    });

    it("answers 405 as JSON with Allow for a known path and the wrong verb", async () => {
      const res = await call("DELETE", "/ect/v1/cases", auth("admin"));
      assert.equal(res.status, 405);
      assert.match(res.headers.get("allow") ?? "", /GET/);
      assert.match(res.headers.get("allow") ?? "", /POST/);
    });

    it("answers 400 naming the problem for malformed JSON", async () => {
      const res = await call("POST", "/ect/v1/cases", auth("medtech"), '{"memberId": 1,');
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 3);
      assert.match(res.body.message, /malformed JSON/);
    });

    it("answers 400 naming the field for a value of the wrong type", async () => {
      const body = JSON.stringify({ memberId: "one", incidentDescription: "Twisted knee" });
      const inBody = await call("POST", "/ect/v1/cases", auth("medtech"), body);
      assert.equal(inBody.status, 400);
      assert.match(inBody.body.message, /member_?[iI]d/);
      const inQuery = await call("GET", "/ect/v1/cases?pageSize=many", auth("admin"));
      assert.equal(inQuery.status, 400);
      assert.match(inQuery.body.message, /pageSize/);
    });
  });

  describe("streams over HTTP", () => {
    it("sends NDJSON by default, one message per line", async () => {
      const res = await fetchFor(`${server.url}/v1/logs/stream`, { headers: auth("admin") }, 30_000);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^application\/x-ndjson/);
      const rows = parseNdjson(res.text) as { logId: number }[];
      assert.equal(rows.length, LOG_ROWS);
      assert.deepEqual(
        rows.slice(0, 3).map((row) => row.logId),
        [1, 2, 3],
      );
    });

    it("sends id: and data: frames for Accept: text/event-stream and resumes after Last-Event-ID", async () => {
      const headers = { ...auth("admin"), accept: "text/event-stream" };
      const full = await fetchFor(`${server.url}/v1/logs/stream`, { headers }, 30_000);
      assert.equal(full.status, 200);
      assert.match(full.headers.get("content-type") ?? "", /^text\/event-stream/);
      const frames = parseSse(full.text);
      assert.equal(frames.length, LOG_ROWS);
      assert.deepEqual(
        frames.map((frame) => frame.id),
        frames.map((_, index) => String(index + 1)),
        "ids count the messages from 1",
      );
      const resumed = parseSse(
        (
          await fetchFor(
            `${server.url}/v1/logs/stream`,
            { headers: { ...headers, "last-event-id": "590" } },
            30_000,
          )
        ).text,
      );
      assert.deepEqual(
        resumed.map((frame) => frame.id),
        ["591", "592", "593", "594", "595", "596", "597", "598", "599", "600"],
      );
      assert.equal(resumed[0].data, frames[590].data, "the resumed stream continues with the next row");
      const byParam = parseSse(
        (await fetchFor(`${server.url}/v1/logs/stream?lastEventId=598`, { headers }, 30_000)).text,
      );
      assert.deepEqual(
        byParam.map((frame) => frame.id),
        ["599", "600"],
      );
    });

    it("measures NDJSON and SSE against the gRPC stream of the same rows, each read delivering every row", async () => {
      const rounds = 5;
      const workflow = grpcClient(server.url, WorkflowService, tokens.get("admin"));
      const grpcRows = async () =>
        (await collect(workflow.getAllLogsStream({}))).map((item) => toJson(LogItemSchema, item));
      const expected = await grpcRows();
      assert.equal(expected.length, LOG_ROWS, "the gRPC stream sends every seeded row");
      const rate = async (label: string, read: () => Promise<unknown[]>): Promise<number> => {
        assert.deepEqual(await read(), expected, `${label} sends the gRPC stream's rows, in its order`); // warm-up
        const started = performance.now();
        for (let i = 0; i < rounds; i++) {
          const rows = await read();
          assert.equal(rows.length, LOG_ROWS, `${label} round ${i} is complete`);
          assert.deepEqual(
            rows[LOG_ROWS - 1],
            expected[LOG_ROWS - 1],
            `${label} round ${i} ends with the last row`,
          );
        }
        return Math.round((rounds * LOG_ROWS * 1000) / (performance.now() - started));
      };
      const ndjson = await rate("NDJSON", async () => {
        const res = await fetchFor(`${server.url}/v1/logs/stream`, { headers: auth("admin") }, 30_000);
        assert.equal(res.truncated, false, "the NDJSON stream ends by itself");
        return parseNdjson(res.text);
      });
      const sse = await rate("SSE", async () => {
        const headers = { ...auth("admin"), accept: "text/event-stream" };
        const res = await fetchFor(`${server.url}/v1/logs/stream`, { headers }, 30_000);
        assert.equal(res.truncated, false, "the SSE stream ends by itself");
        return parseSse(res.text).map((frame) => JSON.parse(frame.data) as unknown);
      });
      const grpc = await rate("gRPC", grpcRows);
      console.log(
        `throughput of GET /v1/logs/stream (${LOG_ROWS} rows, ${rounds} rounds): ` +
          `NDJSON ${ndjson} rows/s, SSE ${sse} rows/s, gRPC ${grpc} rows/s`,
      );
    });
  });
});
