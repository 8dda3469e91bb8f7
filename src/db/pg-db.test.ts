import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { PgDb } from "./pg-db.js";

const url = process.env.ECT_TEST_DATABASE_URL;

/** Polls until check() is true or the time is up; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not within ${ms} ms`);
}

describe("PostgreSQL adapter: cancelled stream pages", {
  skip: url ? false : "ECT_TEST_DATABASE_URL is not set",
}, () => {
  const app = `ect_pgdb_test_${randomBytes(4).toString("hex")}`;
  let db: PgDb;
  let admin: pg.Client;

  before(async () => {
    db = new PgDb({
      connectionString: url!,
      poolMin: 0,
      poolMax: 2,
      statementTimeoutMs: 30_000,
      applicationName: app,
    });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });

  after(async () => {
    await db.close();
    await admin.end();
  });

  const backends = async () =>
    (await admin.query("SELECT pid, state FROM pg_stat_activity WHERE application_name = $1", [app]))
      .rows as {
      pid: number;
      state: string;
    }[];

  it("answers the cancelled caller at once and lets a short page finish on its connection, which is reused", async () => {
    const controller = new AbortController();
    const page = db.page("SELECT pg_sleep(0.3) AS slept", [], { signal: controller.signal });
    // Cancel once the page runs (opening the connection may take longer than the page on a loaded machine).
    await within(3000, async () => (await backends()).some((b) => b.state === "active"));
    const [running] = await backends();
    const started = Date.now();
    controller.abort(new Error("stream cancelled"));
    await assert.rejects(page, /stream cancelled/);
    assert.ok(Date.now() - started < 250, "the caller did not wait for the page");
    await within(3000, async () =>
      (await backends()).some((b) => b.pid === running.pid && b.state === "idle"),
    );
    assert.equal(db.poolStats().total, 1, "the page's connection went back to the pool");
    const reused = await db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    assert.equal(reused.rows[0].pid, running.pid);
  });

  it("cancels a page in the server when it is still blocked after the grace period", async () => {
    await admin.query(`CREATE TABLE ${app}_t (id int)`);
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query(`BEGIN; LOCK TABLE ${app}_t IN ACCESS EXCLUSIVE MODE`);
      const controller = new AbortController();
      const page = db.page(`SELECT id FROM ${app}_t`, [], { signal: controller.signal });
      await within(3000, async () => (await backends()).some((b) => b.state === "active"));
      controller.abort(new Error("stream cancelled"));
      await assert.rejects(page, /stream cancelled/);
      const gone = await within(5000, async () => !(await backends()).some((b) => b.state === "active"));
      assert.ok(gone >= 500, `cancelled after ${gone} ms, before the grace period`);
    } finally {
      await locker.query("ROLLBACK");
      await locker.end();
      await admin.query(`DROP TABLE IF EXISTS ${app}_t`);
    }
  });

  it("fails a transaction, not the process, when the server ends its connection between statements", async () => {
    const unhandled: unknown[] = [];
    const record = (error: unknown) => unhandled.push(error);
    process.on("uncaughtException", record);
    try {
      const outcome = db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        await admin.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
        // The termination notice reaches the idle, checked-out connection while Node works.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.query("SELECT 1");
      });
      await assert.rejects(outcome);
      assert.deepEqual(unhandled, [], "no error went unhandled");
      const after = await db.query<{ one: number }>("SELECT 1 AS one");
      assert.equal(after.rows[0].one, 1, "the pool serves the next query on a new connection");
    } finally {
      process.off("uncaughtException", record);
    }
  });
});
