import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DestinationStream } from "pino";
import { type Config, loadConfig } from "../../src/config.js";
import type { Db } from "../../src/db/db.js";
import { migrate } from "../../src/db/migrate.js";
import { openDb } from "../../src/db/open-db.js";
import { type RunningServer, startServer } from "../../src/server/start.js";
import { createLogger } from "../../src/telemetry/logger.js";

/** Which databases the integration suites run on: PGlite always, PostgreSQL when ECT_TEST_DATABASE_URL is set. */
export function testDatabases(): { name: string; url: string | undefined }[] {
  const url = process.env.ECT_TEST_DATABASE_URL;
  return [{ name: "embedded PGlite", url: undefined }, ...(url ? [{ name: "PostgreSQL", url }] : [])];
}

/** A server on a free loopback port with a fresh, seeded database; `stop()` also drops the database. */
export interface TestServer extends RunningServer {
  config: Readonly<Config>;
}

/**
 * Starts ECT for a test: in-memory PGlite, or a new database created on the test PostgreSQL server.
 * Pass `logDestination` to capture the server's JSON log lines (at level info unless env says otherwise).
 */
export async function startTestServer(
  databaseUrl: string | undefined,
  env: Record<string, string> = {},
  logDestination?: DestinationStream,
): Promise<TestServer> {
  let url = databaseUrl;
  let drop: (() => Promise<void>) | undefined;
  if (databaseUrl) {
    const name = `ect_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(databaseUrl);
    target.pathname = `/${name}`;
    url = target.toString();
    drop = async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  }
  const config = loadConfig({
    ECT_PORT: "0",
    ECT_HOST: "127.0.0.1",
    ECT_DATA_DIR: "memory",
    ECT_LOG_LEVEL: process.env.ECT_TEST_LOG_LEVEL ?? (logDestination ? "info" : "silent"),
    ECT_DB_POOL_MIN: "0",
    ECT_DB_POOL_MAX: "20",
    ECT_SHUTDOWN_GRACE_MS: "500",
    ECT_ANONYMOUS_RATE_PER_SECOND: "1000",
    ECT_ANONYMOUS_BURST: "1000",
    ...(url ? { ECT_DATABASE_URL: url } : {}),
    ...env,
  });
  const server = await startServer(
    config,
    createLogger({ level: config.logLevel, pretty: false, destination: logDestination }),
  );
  return {
    ...server,
    config,
    async stop() {
      await server.stop();
      await drop?.();
    },
  };
}

/** A fresh database (in-memory PGlite, or a new database on the test PostgreSQL server), migrated, not seeded. */
export interface TestDatabase {
  db: Db;
  /** Closes the database and drops it from PostgreSQL. */
  close(): Promise<void>;
}

/** Opens a fresh migrated database for a test that needs the schema but not the server or the demo data. */
export async function openTestDatabase(databaseUrl: string | undefined): Promise<TestDatabase> {
  const name = `ect_test_${randomBytes(6).toString("hex")}`;
  let url: string | undefined;
  if (databaseUrl) {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(databaseUrl);
    target.pathname = `/${name}`;
    url = target.toString();
  }
  const db = await openDb({
    databaseUrl: url,
    dataDir: "memory",
    db: { poolMin: 0, poolMax: 4, statementTimeoutMs: 30_000 },
  });
  await migrate(db);
  return {
    db,
    async close() {
      await db.close();
      if (!databaseUrl) return;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
