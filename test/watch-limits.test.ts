import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError } from "@connectrpc/connect";
import { CaseService, type WatchCasesResponse } from "../src/gen/ect/v1/case_service_pb.js";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { NotificationService } from "../src/gen/ect/v1/notification_service_pb.js";
import { Health, HealthCheckResponse_ServingStatus } from "../src/gen/grpc/health/v1/health_pb.js";
import type { StreamLease } from "../src/resilience/stream-limiter.js";
import { rejects } from "./support/assertions.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

/** An open WatchCases stream and its first message, still to come. */
interface OpenWatch {
  first: Promise<IteratorResult<WatchCasesResponse>>;
  abort: AbortController;
}

// Watches are counted per user per instance; embedded PGlite suffices (no database behaviour under test).
describe("watch limits", () => {
  /** Two stream slots per caller, three in all, refused at once when full: watches must not need any. */
  const env = {
    ECT_STREAM_MAX_PER_CALLER: "2",
    ECT_STREAM_MAX_TOTAL: "3",
    ECT_STREAM_ACQUIRE_TIMEOUT_MS: "0",
  };
  let server: TestServer;
  const tokens = new Map<string, string>();
  const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
  const watches: OpenWatch[] = [];
  const openWatch = (user: string): OpenWatch => {
    const abort = new AbortController();
    const iterator = cases(user).watchCases({}, { signal: abort.signal })[Symbol.asyncIterator]();
    const watch = { first: iterator.next(), abort };
    watch.first.catch(() => undefined);
    watches.push(watch);
    return watch;
  };
  const health = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { httpStatus: response.status, status: ((await response.json()) as { status: string }).status };
  };

  before(async () => {
    server = await startTestServer(undefined, env);
    for (const user of ["medtech", "unitcc", "admin"]) tokens.set(user, await signIn(server.url, user));
  });
  after(async () => {
    for (const watch of watches) watch.abort.abort();
    await server?.stop();
  });

  it("refuses a user's sixth watch naming the cap, holding no stream slot, while other streams still run", async () => {
    // Ten idle watches of two users: more than the three stream slots of the whole server.
    const open = [
      ...Array.from({ length: 5 }, () => openWatch("medtech")),
      ...Array.from({ length: 5 }, () => openWatch("unitcc")),
    ];
    // Each watch is known to be open once it has seen an event: create cases until all ten have.
    const [{ members }] = await collect(
      grpcClient(server.url, MemberService, tokens.get("medtech")).searchMembers({ query: "a", limit: 1 }),
    );
    let settled = false;
    const all = Promise.all(open.map((watch) => watch.first)).finally(() => {
      settled = true;
    });
    for (let attempt = 0; !settled; attempt++) {
      assert.ok(attempt < 40, "all ten watches opened");
      await cases("medtech").createCase({
        memberId: members[0].id,
        incidentDescription: `watch probe ${attempt}`,
      });
      await Promise.race([all, sleep(250)]);
    }
    for (const result of await all) assert.equal(result.done, false, "every watch received the new case");

    await rejects(openWatch("medtech").first, Code.ResourceExhausted, /at most 5 per user/);
    // The user's and another user's ordinary streams still find their slots.
    const own = await collect(cases("medtech").streamCases({ limit: 3 }));
    assert.equal(own.flatMap((batch) => batch.cases).length, 3);
    const others = await collect(cases("admin").streamCases({ limit: 3 }));
    assert.equal(others.flatMap((batch) => batch.cases).length, 3);
    assert.equal((await health("/healthz")).httpStatus, 200);

    // A watch that ends frees its place for the user's next one.
    open[0].abort.abort();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const next = openWatch("medtech");
      const outcome = await Promise.race([
        next.first.then(
          () => "open",
          (error: unknown) => ConnectError.from(error).code,
        ),
        sleep(300).then(() => "open"),
      ]);
      if (outcome === "open") break;
      assert.equal(outcome, Code.ResourceExhausted);
      assert.ok(Date.now() < deadline, "the aborted watch's place came free");
    }
  });

  it("counts the notification bell's watch as a watch too: three bells of one user hold no stream slot", async () => {
    const notifications = grpcClient(server.url, NotificationService, tokens.get("admin"));
    const bells = Array.from({ length: 3 }, () => {
      const abort = new AbortController();
      const iterator = notifications.watchNotifications({}, { signal: abort.signal })[Symbol.asyncIterator]();
      return { first: iterator.next(), abort };
    });
    try {
      // Each bell is sent the unread count at once; three are more than the caller's two stream slots.
      for (const bell of bells) assert.equal((await bell.first).done, false);
      const own = await collect(cases("admin").streamCases({ limit: 3 }));
      assert.equal(own.flatMap((batch) => batch.cases).length, 3, "the caller's stream slots are all free");
    } finally {
      for (const bell of bells) bell.abort.abort();
    }
  });

  it("keeps /health, /healthz and /alive 200 (busy, not dead) when every stream slot is taken", async () => {
    const leases: StreamLease[] = [];
    for (const caller of ["user:probe1", "user:probe1", "user:probe2"]) {
      leases.push(await server.app.streams.acquire(caller));
    }
    try {
      await rejects(
        collect(cases("unitcc").streamCases({ limit: 1 })),
        Code.ResourceExhausted,
        /too many concurrent streams/,
      );
      // Health results are cached for a second: poll (boundedly) until the check has seen the full server.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const streaming = await health("/health/streaming");
        assert.equal(streaming.httpStatus, 200);
        if (streaming.status === "Degraded") break;
        assert.ok(Date.now() < deadline, "the streaming check reports the full server as Degraded");
        await sleep(200);
      }
      assert.deepEqual(await health("/healthz"), { httpStatus: 200, status: "Degraded" });
      assert.deepEqual(await health("/health"), { httpStatus: 200, status: "Degraded" });
      assert.equal((await health("/alive")).httpStatus, 200);
      const grpcHealth = await grpcClient(server.url, Health).check({ service: "" });
      assert.equal(grpcHealth.status, HealthCheckResponse_ServingStatus.SERVING);
    } finally {
      for (const lease of leases) lease.release();
    }
  });
});

describe("an idle watch", () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer(undefined, { ECT_WATCH_IDLE_MS: "300" });
    token = await signIn(server.url, "medtech");
  });
  after(async () => server?.stop());

  it("ends cleanly (OK, no error) after the configured idle time, so the client reconnects", async () => {
    const started = Date.now();
    const responses = await collect(
      grpcClient(server.url, CaseService, token).watchCases({}, { signal: AbortSignal.timeout(20_000) }),
    );
    assert.deepEqual(responses, [], "no event came, and the stream completed without an error");
    assert.ok(Date.now() - started >= 300, "not before the idle time");
  });

  it("ends an SSE watch the same way: the event stream closes and EventSource reconnects", async () => {
    const response = await fetch(`${server.url}/ect/v1/cases:watch`, {
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      signal: AbortSignal.timeout(20_000),
    });
    assert.equal(response.status, 200);
    const body = await response.text();
    assert.doesNotMatch(body, /event: error/, "the stream ended without an error event");
  });
});
