import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import pg from "pg";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

const run = promisify(execFile);
const postgresUrl = process.env.ECT_TEST_DATABASE_URL;

/** The newest Debian PostgreSQL client tools (pg_dump must be at least the server's version). */
function pgBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, "bin", "pg_restore")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], "bin") : undefined;
}
const binDir = pgBinDir();

/** What a restore must bring back unchanged, read from the database and through ECT's API. */
interface Snapshot {
  caseCount: number;
  migrations: string[];
  /** The case as GET /ect/v1/cases/{id} answers it, and its AF 348 as GET …/form does. */
  caseJson: unknown;
  formJson: unknown;
  auditRows: unknown[];
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(postgresUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function snapshot(server: TestServer, url: string, caseId: number): Promise<Snapshot> {
  const token = await signIn(server.url, "medtech");
  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, `GET ${path}`);
    return response.json();
  };
  return withClient(url, async (client) => ({
    caseCount: (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM cases")).rows[0].n,
    migrations: (
      await client.query<{ version: string }>("SELECT version FROM schema_migrations ORDER BY 1")
    ).rows.map((row) => row.version),
    caseJson: await get(`/ect/v1/cases/${caseId}`),
    formJson: await get(`/ect/v1/cases/${caseId}/form`),
    auditRows: (
      await client.query(
        "SELECT id, entity_type, action, actor, event_time, before, after, correlation_id FROM audit_events WHERE entity_id = $1 ORDER BY id",
        [String(caseId)],
      )
    ).rows,
  }));
}

/** Creates a case as the medical technician, so the dump holds a write made after the seed, with its audit row. */
async function createCase(server: TestServer, description: string): Promise<number> {
  const token = await signIn(server.url, "medtech");
  const [batch] = await collect(
    grpcClient(server.url, MemberService, token).searchMembers({ query: "a", limit: 1 }),
  );
  const created = await grpcClient(server.url, CaseService, token).createCase({
    memberId: batch.members[0].id,
    incidentDescription: description,
  });
  return Number(created.name.split("/")[1]);
}

const unavailable = !postgresUrl
  ? "needs PostgreSQL (ECT_TEST_DATABASE_URL)"
  : !binDir
    ? "pg_dump/pg_restore not found under /usr/lib/postgresql/*/bin"
    : undefined;

describe("backup and restore of PostgreSQL with pg_dump and pg_restore on PostgreSQL", {
  skip: unavailable,
  timeout: 300_000,
}, () => {
  const scratch = mkdtempSync(join(tmpdir(), "ect-backup-"));
  const dumpFile = join(scratch, "ect.dump");
  const restoredName = `ect_restore_${randomBytes(6).toString("hex")}`;
  const restoredUrl = postgresUrl ? databaseUrl(restoredName) : "";
  let caseId = 0;
  let original: Snapshot;
  let restored: TestServer | undefined;

  before(async () => {
    // A fresh database: ECT migrates it and seeds the demo data on start; then one more audited write.
    const source = await startTestServer(postgresUrl);
    try {
      caseId = await createCase(source, "Twisted knee on the obstacle course, before the backup");
      const sourceUrl = source.config.databaseUrl!;
      original = await snapshot(source, sourceUrl, caseId);
      // The custom format, as docs/operations.md tells operators to take it (while ECT keeps serving).
      await run(join(binDir!, "pg_dump"), ["--format=custom", "--file", dumpFile, "--dbname", sourceUrl], {
        timeout: 120_000,
      });
    } finally {
      await source.stop(); // drops the source database: the restore must stand on the dump alone
    }
    await withClient(postgresUrl!, (client) => client.query(`CREATE DATABASE ${restoredName}`));
    await run(
      join(binDir!, "pg_restore"),
      ["--no-owner", "--exit-on-error", "--single-transaction", "--dbname", restoredUrl, dumpFile],
      { timeout: 120_000 },
    );
    restored = await startTestServer(undefined, { ECT_DATABASE_URL: restoredUrl });
  });

  after(async () => {
    await restored?.stop();
    if (postgresUrl)
      await withClient(postgresUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`),
      );
    rmSync(scratch, { recursive: true, force: true });
  });

  it("ECT starts on the restore without migrating or seeding again, and counts the same cases", async () => {
    const now = await snapshot(restored!, restoredUrl, caseId);
    assert.ok(original.caseCount > 1, "the demo data was seeded before the dump");
    assert.equal(now.caseCount, original.caseCount);
    assert.deepEqual(now.migrations, original.migrations);
  });

  it("the case, its AF 348 and its audit rows read back equal", async () => {
    const now = await snapshot(restored!, restoredUrl, caseId);
    assert.deepEqual(now.caseJson, original.caseJson);
    assert.deepEqual(now.formJson, original.formJson);
    assert.ok(original.auditRows.length > 0, "creating the case was audited");
    assert.deepEqual(now.auditRows, original.auditRows);
  });

  it("new writes continue the restored sequences", async () => {
    const next = await createCase(restored!, "Sprained wrist, after the restore");
    assert.ok(next > caseId, `case ${next} follows case ${caseId}`);
  });

  it("the audit trail still refuses TRUNCATE, UPDATE and DELETE after the restore", async () => {
    await withClient(restoredUrl, async (client) => {
      await assert.rejects(client.query("TRUNCATE audit_events"), /audit_events is append-only/);
      await assert.rejects(
        client.query("UPDATE audit_events SET actor = 'x'"),
        /audit_events is append-only/,
      );
      await assert.rejects(client.query("DELETE FROM audit_events"), /audit_events is append-only/);
      const { rows } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1",
        [String(caseId)],
      );
      assert.ok(rows[0].n >= original.auditRows.length);
    });
  });
});
