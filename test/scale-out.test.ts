import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import pg from "pg";
import { createEctTransport } from "../src/client/node.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import { type CaseEvent, CaseEventType } from "../src/gen/ect/v1/resources_pb.js";
import { fillPart } from "./support/af348-parts.js";
import { grpcClient, signIn } from "./support/clients.js";
import { createSharedDatabase, type EctInstance, startInstance, until } from "./support/ect-instances.js";
import { startRoundRobinBalancer } from "./support/round-robin-balancer.js";

const adminUrl = process.env.ECT_TEST_DATABASE_URL;

/**
 * Issue 21: three ECT processes on one PostgreSQL, in shared stream-limit mode. Streams are paced
 * (2 items/s, one item a page) so that a stream stays open while the test opens others.
 */
describe("three ECT instances on one PostgreSQL", {
  skip: adminUrl ? false : "ECT_TEST_DATABASE_URL is not set",
  timeout: 600_000,
}, () => {
  let database: { url: string; drop(): Promise<void> };
  let admin: pg.Client;
  let a: EctInstance;
  let b: EctInstance;
  let c: EctInstance;
  const tokens = new Map<string, string>();
  let memberId: number;

  before(async () => {
    database = await createSharedDatabase(adminUrl!);
    const env = {
      ECT_DATABASE_URL: database.url,
      ECT_JWT_SECRET: randomBytes(32).toString("hex"),
      ECT_DB_POOL_MAX: "20",
      ECT_STREAM_LIMIT_SCOPE: "shared",
      ECT_STREAM_MAX_PER_CALLER: "2",
      ECT_STREAM_ACQUIRE_TIMEOUT_MS: "1500",
      ECT_STREAM_FIRST_PAGE_SIZE: "1",
      ECT_STREAM_PAGE_SIZE: "1",
      ECT_STREAM_ITEMS_PER_SECOND: "2",
      ECT_STREAM_ITEMS_BURST: "1",
    };
    // The first migrates and seeds; the others find the schema and the demo data in place.
    a = await startInstance("A", env);
    [b, c] = await Promise.all([startInstance("B", env), startInstance("C", env)]);
    for (const user of ["medtech", "hqtech"]) tokens.set(user, await signIn(a.url, user));
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const { rows } = await admin.query<{ id: number }>(
      `SELECT m.id FROM members m JOIN users u ON u.username = 'medtech'
       JOIN unit_tree t ON t.ancestor_id = u.unit_id AND t.descendant_id = m.unit_id ORDER BY m.id LIMIT 1`,
    );
    memberId = rows[0].id;
  });

  after(async () => {
    await Promise.all([a, b, c].map((instance) => instance?.stop()));
    await admin?.end();
    await database?.drop();
  });

  it("a watcher on C sees a move made on A, with its previous status and actor, within a bounded wait", async () => {
    const onA = grpcClient(a.url, CaseService, tokens.get("medtech"));
    const watching = new AbortController();
    const seen: { event: CaseEvent; at: number }[] = [];
    const watch = (async () => {
      for await (const response of grpcClient(c.url, CaseService, tokens.get("medtech")).watchCases(
        {},
        { signal: watching.signal },
      )) {
        for (const event of response.events) seen.push({ event, at: Date.now() });
      }
    })().catch(() => {});
    try {
      const created = await onA.createCase({
        memberId,
        incidentDescription: "Fell from a ladder on the flight line",
      });
      // The watch subscribes as its call starts; the create's event tells the test it is listening.
      await until(20_000, "C's watcher sees the case created on A", () =>
        seen.some((s) => s.event.type === CaseEventType.CREATED && s.event.case?.name === created.name),
      );
      await fillPart(grpcClient(a.url, FormService, tokens.get("medtech")), "medtech", created.name);
      await onA.signCase({ name: created.name });
      const next = await onA.getNextActions({ name: created.name });
      const moved = await onA.takeAction({ name: created.name, optionId: next.actions[0].optionId });
      const movedAt = Date.now();
      await until(10_000, "C's watcher sees the move made on A", () =>
        seen.some((s) => s.event.type === CaseEventType.MOVED && s.event.case?.name === created.name),
      );
      const event = seen.find(
        (s) => s.event.type === CaseEventType.MOVED && s.event.case?.name === created.name,
      )!;
      console.log(`move on A reached the watcher on C after ${event.at - movedAt} ms`);
      assert.equal(event.event.case?.version, moved.case?.version);
      assert.equal(event.event.case?.status?.workStatusId, moved.case?.status?.workStatusId);
      assert.equal(event.event.previousStatus?.workStatusId, created.status?.workStatusId);
      assert.equal(event.event.actor, "medtech");
      assert.equal(
        seen.filter((s) => s.event.type === CaseEventType.MOVED && s.event.case?.name === created.name)
          .length,
        1,
        "one event per change",
      );
    } finally {
      watching.abort();
      await watch;
    }
  });

  it("a watcher whose instance lost its database listener gets a RESYNC event, then changes again", async () => {
    const seen: CaseEvent[] = [];
    const watching = new AbortController();
    const watch = (async () => {
      for await (const response of grpcClient(c.url, CaseService, tokens.get("medtech")).watchCases(
        {},
        { signal: watching.signal },
      )) {
        seen.push(...response.events);
      }
    })().catch(() => {});
    try {
      const onA = grpcClient(a.url, CaseService, tokens.get("medtech"));
      const probe = await onA.createCase({ memberId, incidentDescription: "Listener probe before the loss" });
      await until(20_000, "C's watcher is listening", () => seen.some((e) => e.case?.name === probe.name));
      // An administrator's pg_terminate_backend, a failover: every instance's LISTEN connection goes.
      const killed = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ect-listen' AND datname = current_database()",
      );
      assert.equal(killed.rowCount, 3, "one listening connection per instance");
      await until(20_000, "C's watcher is told to resync", () =>
        seen.some((e) => e.type === CaseEventType.RESYNC),
      );
      const resync = seen.find((e) => e.type === CaseEventType.RESYNC)!;
      assert.equal(resync.case, undefined, "a resync names no case: the client re-reads");
      // Re-listening: a change on A reaches C again (bounded: the backoff's first delays are short).
      await until(20_000, "C hears A's changes again", async () => {
        const after = await onA.createCase({
          memberId,
          incidentDescription: "Listener probe after the loss",
        });
        const deadline = Date.now() + 2000;
        while (Date.now() < deadline) {
          if (seen.some((e) => e.case?.name === after.name)) return true;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return false;
      });
    } finally {
      watching.abort();
      await watch;
    }
  });

  it("a caller limited to 2 streams cannot open a 3rd through another instance, and can once one ends", async () => {
    const opened: AbortController[] = [];
    /** Opens StreamCases as hqtech on an instance and resolves once its first item arrived (it stays open, paced). */
    const open = async (instance: EctInstance) => {
      const stop = new AbortController();
      opened.push(stop);
      const iterator = grpcClient(instance.url, CaseService, tokens.get("hqtech"))
        .streamCases({}, { signal: stop.signal })
        [Symbol.asyncIterator]();
      await iterator.next();
      return stop;
    };
    try {
      const first = await open(a);
      await open(a);
      await assert.rejects(open(c), (error: unknown) => {
        assert.ok(error instanceof ConnectError, String(error));
        assert.equal(error.code, Code.ResourceExhausted);
        assert.match(error.message, /across instances/);
        return true;
      });
      first.abort();
      // The slot frees when A sees the cancel; the next start on C gets it within a bounded wait.
      await until(15_000, "a stream on C once one on A ended", async () => {
        await open(c);
        return true;
      });
    } finally {
      for (const stop of opened) stop.abort();
    }
  });

  it("killing B mid-stream loses no acknowledged write, and SDK retries land on A or C", async () => {
    const balancer = await startRoundRobinBalancer([a.port, b.port, c.port], 1);
    const transport = createEctTransport({
      baseUrl: balancer.url,
      protocol: "grpc",
      token: () => tokens.get("medtech"),
    });
    const client = createClient(CaseService, transport);
    const watching = new AbortController();
    let watchEnded: unknown;
    const watch = (async () => {
      for await (const _ of client.watchCases({}, { signal: watching.signal })) {
        // Held open on B until B dies.
      }
    })().catch((error: unknown) => {
      watchEnded = error;
    });
    const run = randomBytes(4).toString("hex");
    const acknowledged = new Map<string, string>();
    try {
      for (let i = 0; i < 20; i++) {
        const requestId = `scale-${run}-${i}`;
        const creating = client.createCase({
          memberId,
          incidentDescription: `Scale-out write ${i}`,
          requestId,
        });
        // Mid-stream and mid-write: B dies while the watch is open and a create may be in flight.
        if (i === 6) await b.kill();
        const created = await creating;
        acknowledged.set(requestId, created.name);
      }
      assert.equal(balancer.connections[0], 1, "the client's first connection went to B");
      await until(10_000, "the watch on B ended with B", () => watchEnded !== undefined);
      assert.ok(balancer.connections.length > 1, "the client reconnected after B died");
      for (const backend of balancer.connections.slice(1)) assert.notEqual(backend, 1, "never B again");
      const { rows } = await admin.query<{ request_id: string; id: number }>(
        "SELECT request_id, id FROM cases WHERE request_id LIKE $1",
        [`scale-${run}-%`],
      );
      assert.equal(rows.length, 20, "every acknowledged create is in the database, once");
      for (const row of rows) assert.equal(acknowledged.get(row.request_id), `cases/${row.id}`);
    } finally {
      watching.abort();
      await watch;
      await balancer.close();
    }
  });
});
