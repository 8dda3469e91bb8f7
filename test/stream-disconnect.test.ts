import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

// "Streams stop their database read when the client goes away" (README), on PostgreSQL where the read
// is a backend in pg_stat_activity. Each client reads a few pages, then a table lock holds the stream's
// next page query; the client goes away while it waits. The lock is still held, so the query can only
// leave pg_stat_activity by being cancelled.

const databaseUrl = process.env.ECT_TEST_DATABASE_URL;

/**
 * A cancelled page may run on for pg-db.ts's PAGE_CANCEL_GRACE_MS (1 s) before it is cancelled in the
 * server; measured gone 1.0–1.1 s after the disconnect. 3 s allows for a loaded machine; a stream that
 * kept its query would wait on the lock as long as the test holds it (until the poll fails).
 */
const GONE_WITHIN_MS = 3_000;

/** A client that reads a stream until it is told to go away. */
interface Reader {
  /** Resolves once the client has received its first message. */
  firstMessage: Promise<void>;
  /** Disconnects and resolves when the client's read has ended. */
  goAway(): Promise<void>;
}

function grpcReader(server: TestServer, token: string): Reader {
  const abort = new AbortController();
  let received = () => {};
  const firstMessage = new Promise<void>((resolve) => (received = resolve));
  const reading = (async () => {
    try {
      for await (const _ of grpcClient(server.url, CaseService, token).streamCases(
        {},
        { signal: abort.signal },
      )) {
        received();
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  return {
    firstMessage,
    async goAway() {
      abort.abort();
      await reading;
    },
  };
}

function httpReader(server: TestServer, token: string, accept: string): Reader {
  const abort = new AbortController();
  let received = () => {};
  const firstMessage = new Promise<void>((resolve) => (received = resolve));
  const reading = (async () => {
    try {
      const response = await fetch(`${server.url}/ect/v1/cases:stream`, {
        headers: { authorization: `Bearer ${token}`, accept },
        signal: abort.signal,
      });
      assert.equal(response.status, 200);
      const reader = response.body?.getReader();
      assert.ok(reader, "the response has a body");
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received();
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  return {
    firstMessage,
    async goAway() {
      abort.abort();
      await reading;
    },
  };
}

/** Polls `probe` every 20 ms until it is true; returns the time it took or fails after `timeoutMs`. */
async function eventually(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > timeoutMs) assert.fail(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

describe("a stream stops its database read when the client goes away (PostgreSQL)", {
  skip: databaseUrl ? false : "needs ECT_TEST_DATABASE_URL",
  timeout: 120_000,
}, () => {
  let server: TestServer;
  let token: string;
  let observer: pg.Client;

  before(async () => {
    server = await startTestServer(databaseUrl, {
      // Small pages, so the stream is many page queries long.
      ECT_STREAM_FIRST_PAGE_SIZE: "5",
      ECT_STREAM_PAGE_SIZE: "5",
      ECT_STREAM_ITEMS_PER_SECOND: "0",
    });
    token = await signIn(server.url, "admin");
    observer = new pg.Client({ connectionString: server.config.databaseUrl });
    await observer.connect();
  });
  after(async () => {
    await observer?.end();
    await server?.stop();
  });

  /** ECT's queries on `cases` waiting for a lock right now. */
  async function pageQueriesWaiting(): Promise<number> {
    const { rows } = await observer.query(
      `SELECT pid FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'ect'
           AND state = 'active' AND wait_event_type = 'Lock' AND query ILIKE '%FROM cases%'`,
    );
    return rows.length;
  }

  const clients: [string, (server: TestServer, token: string) => Reader][] = [
    ["a native gRPC client", grpcReader],
    ["an SSE client", (s, t) => httpReader(s, t, "text/event-stream")],
    ["an NDJSON client", (s, t) => httpReader(s, t, "application/x-ndjson")],
  ];
  for (const [who, open] of clients) {
    it(`cancels the page query in PostgreSQL when ${who} disconnects mid-stream`, async () => {
      const reader = open(server, token);
      await reader.firstMessage;
      const holder = new pg.Client({ connectionString: server.config.databaseUrl });
      await holder.connect();
      try {
        await holder.query("BEGIN");
        await holder.query("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE");
        // Positive control: the client keeps reading, so the stream's next page waits on the lock.
        await eventually(
          "a page query waiting on the lock",
          10_000,
          async () => (await pageQueriesWaiting()) === 1,
        );
        await reader.goAway();
        const goneMs = await eventually(
          "the page query leaving pg_stat_activity",
          GONE_WITHIN_MS,
          async () => {
            return (await pageQueriesWaiting()) === 0;
          },
        );
        console.log(`${who}: page query gone ${Math.round(goneMs)} ms after the disconnect`);
      } finally {
        await holder.query("ROLLBACK").catch(() => undefined);
        await holder.end();
      }
      // The stream's slot is given back as well.
      await eventually("the stream's slot freed", 5_000, async () => server.app.streams.stats().total === 0);
    });
  }
});
