import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import pg from "pg";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

const GRACE_MS = 20_000;
/** How long after stop() the test lets the held writes go on: the drain must wait for them that long. */
const HOLD_AFTER_STOP_MS = 600;
/**
 * How long stop() may take after the last write in flight was answered: measured 70–170 ms on a loaded 2-core
 * machine (the sessions flush their last frames and close, then the database closes). 1 s allows for
 * that load and stays far below the grace period, so a drain that waited out the grace fails.
 */
const STOP_AFTER_LAST_WRITE_MAX_MS = 1_000;

/** A database that outlives one server, so a second server can read what the first acknowledged. */
async function persistentDatabase(url: string | undefined): Promise<{
  env: Record<string, string>;
  remove(): Promise<void>;
}> {
  if (!url) {
    const dataDir = await mkdtemp(join(tmpdir(), "ect-shutdown-"));
    return { env: { ECT_DATA_DIR: dataDir }, remove: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const name = `ect_shutdown_${randomBytes(6).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    env: { ECT_DATABASE_URL: target.toString() },
    remove: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Holds an exclusive lock on `cases` in a transaction of its own until `release()`: every case write waits. */
async function holdCaseWrites(server: TestServer): Promise<{ release(): void; done: Promise<void> }> {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked = () => {};
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  // On PGlite the open transaction also holds the one session, which stops every write as well.
  const done = server.db.transaction(async (tx) => {
    await tx.query("LOCK TABLE cases IN EXCLUSIVE MODE");
    locked();
    await released;
  });
  await Promise.race([isLocked, done]);
  return { release, done };
}

/** Unary calls the bulkhead holds now, running or queued. */
function callsInBulkhead(server: TestServer): number {
  const { execution, queue } = server.app.policies.bulkheadSlots();
  const { bulkheadLimit, bulkheadQueue } = server.config.resilience;
  return bulkheadLimit - execution + (bulkheadQueue - queue);
}

/** Polls until `probe` is true, failing with `what` after `timeoutMs`. */
async function until(what: string, timeoutMs: number, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const codeOf = (error: unknown) => Code[ConnectError.from(error).code];

for (const database of testDatabases()) {
  describe(`graceful shutdown on ${database.name}`, () => {
    it("ends watch streams, finishes the writes in flight, refuses new calls and loses no acknowledged write", async () => {
      const storage = await persistentDatabase(database.url);
      const env = {
        ...storage.env,
        ECT_SHUTDOWN_GRACE_MS: String(GRACE_MS),
        ECT_JWT_SECRET: "shutdown-test-secret-of-at-least-32-bytes",
      };
      try {
        const first = await startTestServer(undefined, env);
        const token = await signIn(first.url, "medtech");
        const cases = grpcClient(first.url, CaseService, token);
        const [batch] = await collect(
          grpcClient(first.url, MemberService, token).searchMembers({ query: "d", limit: 1 }),
        );
        const memberId = batch.members[0].id;

        // A watcher that never ends by itself: shutdown must end it.
        const watch = (async () => {
          try {
            for await (const _ of cases.watchCases({})) {
              // keep reading
            }
            return "ended";
          } catch (error) {
            return codeOf(error);
          }
        })();

        const hold = await holdCaseWrites(first);
        const settled = new Set<number>();
        let lastAnsweredAt = 0;
        const writes = Array.from({ length: 20 }, (_, index) =>
          cases
            .createCase({ memberId, incidentDescription: `Shutdown write ${index}` })
            .then(
              (created) => ({ ok: true as const, name: created.name }),
              (error: unknown) => ({ ok: false as const, code: codeOf(error) }),
            )
            .finally(() => {
              settled.add(index);
              lastAnsweredAt = performance.now();
            }),
        );
        // Every write has reached the server and waits on the lock or in the bulkhead queue (on PGlite
        // the watch's poll waits there too). A write still outside at stop() would be refused below.
        await until("20 writes held in the server", 10_000, () => callsInBulkhead(first) >= 20);
        assert.equal(settled.size, 0, "no write has been answered before stop()");

        const started = performance.now();
        const stopping = first.stop();
        // Shutdown has begun: the listener is closed, so a new client's call is turned away.
        const late = await grpcClient(first.url, CaseService, token)
          .createCase({ memberId, incidentDescription: "Shutdown late write" })
          .then(
            () => "OK",
            (error: unknown) => codeOf(error),
          );
        assert.equal(late, "Unavailable", "a call made after shutdown began is refused");
        await new Promise((resolve) => setTimeout(resolve, HOLD_AFTER_STOP_MS));
        assert.equal(settled.size, 0, "the writes in flight were still held when the test let them go");
        hold.release();
        await hold.done;
        await stopping;
        const stoppedAt = performance.now();
        const stopMs = stoppedAt - started;

        const results = await Promise.all(writes);
        assert.deepEqual(
          results.filter((result) => !result.ok),
          [],
          "every write in flight at stop() was finished and acknowledged",
        );
        assert.ok(stopMs >= HOLD_AFTER_STOP_MS, `stop() waited for the writes in flight (${stopMs} ms)`);
        const afterLastWriteMs = stoppedAt - lastAnsweredAt;
        assert.ok(
          afterLastWriteMs < STOP_AFTER_LAST_WRITE_MAX_MS,
          `stop() returned ${Math.round(afterLastWriteMs)} ms after the last write was answered (grace ${GRACE_MS} ms)`,
        );
        // The server completes the watch; the client may see that as the end or as the connection going away.
        assert.ok(["ended", "Canceled", "Unavailable"].includes(await watch), "the watch stream ended");
        const acknowledged = results.flatMap((result) => (result.ok ? [result.name] : []));

        const second = await startTestServer(undefined, env);
        try {
          const reopened = grpcClient(second.url, CaseService, await signIn(second.url, "medtech"));
          for (const name of acknowledged) {
            const found = await reopened.getCase({ name });
            assert.equal(found.name, name, `${name} was acknowledged, so it must still exist`);
          }
          const stored = (await collect(reopened.streamCases({}))).flatMap((page) => page.cases);
          const descriptions = stored
            .map((item) => item.incidentDescription)
            .filter((text) => text.startsWith("Shutdown"))
            .sort();
          assert.deepEqual(
            descriptions,
            Array.from({ length: 20 }, (_, index) => `Shutdown write ${index}`).sort(),
            "exactly the 20 acknowledged writes exist, and nothing of the refused one",
          );
        } finally {
          await second.stop();
        }
      } finally {
        await storage.remove();
      }
    });
  });
}
