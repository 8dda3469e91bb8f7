import os from "node:os";
import pg from "pg";
import { type Children, exited } from "./processes.js";

/** The benchmark database and what the scenarios need to know about it. */
export interface BenchData {
  url: string;
  cases: number;
  activeCases: number;
  adminUnitId: number;
  /** A random sample of existing case ids for GetCase. */
  caseIds: number[];
  postgres: string;
}

/** Size of the seeded data. */
export interface DataSize {
  cases: number;
  users: number;
  online: number;
}

const withDb = async <T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

const count = async (client: pg.Client, sql: string) => Number((await client.query(sql)).rows[0].n);

/**
 * Makes sure database `name` holds the benchmark volume: if it is missing or smaller, it is dropped,
 * recreated and seeded through `ect seed` (set-based, a few minutes for 1,000,000 cases).
 */
export async function ensureData(
  adminUrl: string,
  name: string,
  size: DataSize,
  children: Children,
  log: (line: string) => void,
): Promise<BenchData> {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const exists = await withDb(adminUrl, async (c) =>
    count(c, `SELECT count(*) AS n FROM pg_database WHERE datname = '${name}'`),
  );
  const seeded =
    exists > 0 &&
    (await withDb(url.href, async (c) => {
      const tables = await count(
        c,
        "SELECT count(*) AS n FROM pg_tables WHERE tablename IN ('cases', 'sessions')",
      );
      if (tables < 2) return false;
      const cases = await count(c, "SELECT count(*) AS n FROM cases WHERE case_number LIKE 'B%'");
      const users = await count(c, "SELECT count(*) AS n FROM users WHERE username LIKE 'bench%'");
      const online = await count(c, "SELECT count(*) AS n FROM sessions");
      return cases === size.cases && users >= size.users && online >= size.online;
    }));
  if (!seeded) {
    log(`seeding ${name}: ${size.cases} cases, ${size.users} users (${size.online} online) …`);
    await withDb(adminUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${name}`);
    });
    const started = Date.now();
    const seed = children.spawn("seed", "src/cli.ts", {
      env: { ECT_DATABASE_URL: url.href, ECT_LOG_LEVEL: "warn", ECT_DB_STATEMENT_TIMEOUT_MS: "3600000" },
      args: [
        "seed",
        "--cases",
        String(size.cases),
        "--users",
        String(size.users),
        "--online",
        String(size.online),
      ],
    });
    await exited(seed);
    log(`seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return withDb(url.href, async (c) => {
    const admin = await c.query("SELECT unit_id FROM users WHERE username = 'admin'");
    const sample = await c.query<{ id: number }>("SELECT id FROM cases ORDER BY random() LIMIT 2000");
    const active = await count(
      c,
      `SELECT count(*) AS n FROM cases c JOIN work_statuses ws ON ws.id = c.work_status_id
       JOIN status_codes sc ON sc.id = ws.status_code_id WHERE NOT sc.is_final`,
    );
    return {
      url: url.href,
      cases: await count(c, "SELECT count(*) AS n FROM cases"),
      activeCases: active,
      adminUnitId: admin.rows[0].unit_id,
      caseIds: sample.rows.map((row) => row.id),
      postgres: (await c.query("SHOW server_version")).rows[0].server_version,
    };
  });
}

/** Facts about the machine a result was measured on. */
export function machineFacts(postgres: string) {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres,
  };
}
