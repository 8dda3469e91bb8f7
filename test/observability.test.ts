import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AdminService } from "../src/gen/ect/v1/admin_service_pb.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { IdentityService } from "../src/gen/ect/v1/identity_service_pb.js";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { parsePrometheusText, type Sample } from "../src/telemetry/prometheus-text.test-support.js";
import type { StoredSpan } from "../src/telemetry/stored-span.js";
import { getTracing } from "../src/telemetry/tracing.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { parseSse } from "./support/http-streams.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

/** One parsed pino JSON line. */
type LogLine = Record<string, unknown> & { msg?: string; correlationId?: string };

/** Retries a check until it passes or `ms` passed: spans and the last log line land as a call finishes. */
async function eventually<T>(check: () => T, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The spans of the one trace that carries this correlation id. */
function traceOf(correlationId: string): StoredSpan[] {
  const store = getTracing()?.store;
  assert.ok(store, "tracing is initialised");
  const found = store.search({ correlationId });
  assert.equal(found.length, 1, `one trace carries ${correlationId}`);
  return store.get(found[0].traceId)?.spans ?? [];
}

/**
 * Asserts the trace runs from the RPC's SERVER span down to database query spans, and that every span
 * of it carries the correlation id. Returns the trace id.
 */
function assertOneTrace(spans: StoredSpan[], method: string, correlationId: string): string {
  const server = spans.find((span) => span.kind === "server" && span.name === method);
  assert.ok(server, `a SERVER span ${method} in [${spans.map((span) => span.name).join(", ")}]`);
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const queries = spans.filter((span) => span.attributes["db.statement"] !== undefined);
  assert.ok(queries.length > 0, "the trace holds database query spans");
  for (const query of queries) {
    assert.equal(query.kind, "client");
    assert.equal(query.traceId, server.traceId);
    assert.ok(query.attributes["db.statement"].length > 0);
    let parent = byId.get(query.parentSpanId ?? "");
    while (parent && parent !== server) parent = byId.get(parent.parentSpanId ?? "");
    assert.equal(parent, server, `query span "${query.name}" descends from the server span`);
  }
  const unmarked = spans.filter((span) => span.attributes["correlation.id"] !== correlationId);
  assert.deepEqual(
    unmarked.map((span) => span.name),
    [],
    `every span carries correlation.id ${correlationId}`,
  );
  return server.traceId;
}

/** Rows each case page query of a trace returned, in order: the pages the stream read. */
function pageRows(spans: StoredSpan[]): number[] {
  return spans
    .filter((span) =>
      // A keyset page of cases: its inner select orders and limits (the statement is cut short in the span).
      /\bc\.case_number\b[\s\S]*ORDER BY c\.id DESC LIMIT \d+\)/.test(span.attributes["db.statement"] ?? ""),
    )
    .sort((a, b) => a.startMs - b.startMs)
    .map((span) => Number(span.attributes["db.response.returned_rows"]));
}

/**
 * Each batch came from its own page query of the trace, which read at least the batch's items: the capped last
 * page is read at a size of the ladder and trimmed to the limit (keysetPages).
 */
function assertOnePagePerBatch(pages: number[], batches: number[], message: string): void {
  assert.equal(pages.length, batches.length, `${message}: ${pages} pages for ${batches}`);
  for (const [i, read] of pages.entries()) {
    assert.ok(read >= batches[i], `${message}: page ${i} read ${read} for ${batches[i]}`);
  }
}

/** Query spans of the traces carrying these correlation ids. */
function querySpans(...correlationIds: string[]): StoredSpan[] {
  return correlationIds
    .flatMap((id) => traceOf(id))
    .filter((span) => span.attributes["db.statement"] !== undefined);
}

/** The sum of a metric's samples whose labels include the given ones. */
function total(samples: Sample[], name: string, labels: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describe("one correlation id and one trace follow a call", { timeout: 110_000 }, () => {
  let server: TestServer;
  const logs: LogLine[] = [];
  const tokens = new Map<string, string>();
  const linesOf = (correlationId: string) => logs.filter((line) => line.correlationId === correlationId);

  before(async () => {
    const destination = {
      write(text: string) {
        for (const line of text.split("\n")) if (line) logs.push(JSON.parse(line) as LogLine);
      },
    };
    server = await startTestServer(undefined, {}, destination);
    for (const user of ["admin", "medtech"]) tokens.set(user, await signIn(server.url, user));
  });
  after(async () => server?.stop());

  it("carries x-correlation-id: test-123 of a gRPC write to the response, logs, every span and the audit row", async () => {
    const correlationId = "test-123";
    const [batch] = await collect(
      grpcClient(server.url, MemberService, tokens.get("medtech")).searchMembers({ query: "a", limit: 1 }),
    );
    let echoed: string | null = null;
    const created = await grpcClient(server.url, CaseService, tokens.get("medtech")).createCase(
      { memberId: batch.members[0].id, incidentDescription: "Fell from a ladder during drill" },
      {
        headers: { "x-correlation-id": correlationId },
        onHeader: (h) => (echoed = h.get("x-correlation-id")),
      },
    );
    assert.equal(echoed, correlationId, "the response header echoes the id");

    const traceId = await eventually(() =>
      assertOneTrace(traceOf(correlationId), "ect.v1.CaseService/CreateCase", correlationId),
    );

    const rpcLine = await eventually(() => {
      const line = linesOf(correlationId).find((l) => l.msg === "rpc");
      assert.ok(line, `an rpc log line carries ${correlationId}`);
      return line;
    });
    assert.equal(rpcLine.method, "ect.v1.CaseService/CreateCase");
    assert.equal(rpcLine.user, "medtech");
    assert.equal(rpcLine.code, "ok");
    assert.equal(rpcLine.protocol, "grpc");
    assert.equal(rpcLine.traceId, traceId, "the log line names the same trace");
    assert.equal(typeof rpcLine.durationMs, "number");

    const audit = await grpcClient(server.url, AdminService, tokens.get("admin")).listAuditEvents({
      correlationId,
    });
    const row = audit.events.find((event) => event.entityType === "case");
    assert.ok(row, `an audit row for the case carries ${correlationId}`);
    assert.equal(row.correlationId, correlationId);
    assert.equal(row.entityId, String(created.id));
    assert.equal(row.actor, "medtech");
  });

  it("carries the id through every item of a gRPC stream", async () => {
    const correlationId = "test-123-grpc-stream";
    let echoed: string | null = null;
    const batches = await collect(
      grpcClient(server.url, CaseService, tokens.get("admin")).streamCases(
        { limit: 200 },
        {
          headers: { "x-correlation-id": correlationId },
          onHeader: (h) => (echoed = h.get("x-correlation-id")),
        },
      ),
    );
    const cases = batches.reduce((sum, b) => sum + b.cases.length, 0);
    assert.equal(cases, 200);
    assert.ok(batches.length > 1, "the cases came in more than one batch (more than one page read)");
    assert.equal(echoed, correlationId);

    const traceId = await eventually(() =>
      assertOneTrace(traceOf(correlationId), "ect.v1.CaseService/StreamCases", correlationId),
    );
    const rpcLine = await eventually(() => {
      const line = linesOf(correlationId).find((l) => l.msg === "rpc");
      assert.ok(line, `an rpc log line carries ${correlationId}`);
      return line;
    });
    assert.equal(rpcLine.traceId, traceId);
    assert.equal(rpcLine.protocol, "grpc");
    // Every item came from a page query of this one trace, each span carrying the id (assertOneTrace).
    assertOnePagePerBatch(
      pageRows(traceOf(correlationId)),
      batches.map((b) => b.cases.length),
      "one traced page query per batch",
    );
    assert.equal(rpcLine.items, 200, "the stream's rpc line counts every item");
    assert.ok(
      Number.isFinite(rpcLine.itemsPerSecond) && (rpcLine.itemsPerSecond as number) > 0,
      `itemsPerSecond is a positive rate (${rpcLine.itemsPerSecond})`,
    );
    assert.deepEqual(
      linesOf(correlationId).map((line) => line.msg),
      ["rpc"],
      "one line, carrying the id",
    );
  });

  it("carries the id through every item of the same stream over SSE", async () => {
    const correlationId = "test-123-sse";
    const res = await fetch(`${server.url}/ect/v1/cases:stream?limit=200`, {
      headers: {
        authorization: `Bearer ${tokens.get("admin")}`,
        accept: "text/event-stream",
        "x-correlation-id": correlationId,
      },
    });
    assert.equal(res.status, 200);
    assert.equal(
      res.headers.get("x-correlation-id"),
      correlationId,
      "the HTTP response header echoes the id",
    );
    const frames = parseSse(await res.text());
    assert.ok(frames.length > 1);
    const cases = frames.reduce(
      (sum, f) => sum + (JSON.parse(f.data) as { cases: unknown[] }).cases.length,
      0,
    );
    assert.equal(cases, 200);

    const traceId = await eventually(() =>
      assertOneTrace(traceOf(correlationId), "ect.v1.CaseService/StreamCases", correlationId),
    );
    const rpcLine = await eventually(() => {
      const line = linesOf(correlationId).find((l) => l.msg === "rpc");
      assert.ok(line, `an rpc log line carries ${correlationId}`);
      return line;
    });
    assert.equal(rpcLine.traceId, traceId);
    assert.equal(rpcLine.protocol, "rest", "the transcoder marks its calls as REST");
    assertOnePagePerBatch(
      pageRows(traceOf(correlationId)),
      frames.map((f) => (JSON.parse(f.data) as { cases: unknown[] }).cases.length),
      "one traced page query per event",
    );
    assert.equal(rpcLine.items, 200, "the stream's rpc line counts every item");
  });

  it("serves /metrics in Prometheus text whose counters move as calls are made", async () => {
    const scrape = async () => {
      // Metrics are operator data: the administrator holds operatorView.
      const res = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${tokens.get("admin")}` },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
      return parsePrometheusText(await res.text());
    };
    const method = "ect.v1.IdentityService/GetCurrentUser";
    const stream = "ect.v1.MemberService/SearchMembers";
    const before = await scrape();
    await grpcClient(server.url, IdentityService, tokens.get("admin")).getCurrentUser(
      {},
      { headers: { "x-correlation-id": "metrics-grpc" } },
    );
    const auth = { authorization: `Bearer ${tokens.get("admin")}` };
    const me = await fetch(`${server.url}/ect/v1/me`, {
      headers: { ...auth, "x-correlation-id": "metrics-rest" },
    });
    assert.equal(me.status, 200);
    await me.body?.cancel();
    const search = await fetch(`${server.url}/ect/v1/members:search?query=b`, {
      headers: { ...auth, "x-correlation-id": "metrics-search" },
    });
    assert.equal(search.status, 200);
    const found = (
      JSON.parse(`[${(await search.text()).trim().split("\n").join(",")}]`) as { members: unknown[] }[]
    ).reduce((sum, batch) => sum + batch.members.length, 0);
    assert.ok(found > 0, "the search found members");
    const afterCalls = await scrape();
    const count = "ect_rpc_duration_seconds_count";
    const moved = (samples: Sample[], labels: Record<string, string>) => total(samples, count, labels);
    assert.equal(
      moved(afterCalls, { method, protocol: "grpc" }) - moved(before, { method, protocol: "grpc" }),
      1,
    );
    assert.equal(
      moved(afterCalls, { method, protocol: "rest" }) - moved(before, { method, protocol: "rest" }),
      1,
    );
    const items = (samples: Sample[]) => total(samples, "ect_stream_items_total", { method: stream });
    assert.equal(items(afterCalls) - items(before), found, "every streamed member counted once");
    const queries = (samples: Sample[]) => total(samples, "ect_db_query_duration_seconds_count", {});
    const traced = await eventually(
      () => querySpans("metrics-grpc", "metrics-rest", "metrics-search").length,
    );
    assert.ok(traced > 0, "the calls ran queries");
    // At least every query of the three calls (the scrape's own sign-in check and health probes may add some).
    assert.ok(
      queries(afterCalls) - queries(before) >= traced,
      `the query counter moved by ${queries(afterCalls) - queries(before)}, the calls ran ${traced} queries`,
    );
  });
});
