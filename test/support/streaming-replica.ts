import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import pg from "pg";
import { freePort, until } from "./ect-instances.js";

const run = promisify(execFile);
const VERSION = "15";

/** A throwaway primary and its streaming replica, made with Debian's cluster tools on loopback. */
export interface StreamingReplica {
  /** Superuser connection strings of the `postgres` database (trust on 127.0.0.1). */
  primaryUrl: string;
  replicaUrl: string;
  /** Pauses (true) or resumes WAL replay on the replica: what a lagging replica looks like. */
  pauseReplay(paused: boolean): Promise<void>;
  /** Waits until the replica has replayed everything the primary has written so far. */
  caughtUp(ms: number): Promise<void>;
  /** Stops and drops both clusters. */
  destroy(): Promise<void>;
}

/** Why the replica cannot be built here, or undefined when it can (the suite skips with this text). */
export function streamingReplicaUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root for pg_createcluster";
  for (const tool of ["/usr/bin/pg_createcluster", "/usr/bin/pg_dropcluster", "/usr/sbin/runuser"]) {
    if (!existsSync(tool)) return `${tool} not found (Debian postgresql-common)`;
  }
  if (!existsSync(`/usr/lib/postgresql/${VERSION}/bin/pg_basebackup`))
    return `PostgreSQL ${VERSION} not installed`;
  return undefined;
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Creates a primary cluster (trust on loopback, which includes replication), clones it with
 * `pg_basebackup -R` into a second cluster, starts that as a hot standby and waits until it streams.
 * Neither touches the shared 5432 cluster.
 */
export async function startStreamingReplica(): Promise<StreamingReplica> {
  const suffix = randomBytes(4).toString("hex");
  const primaryName = `ect_primary_${suffix}`;
  const replicaName = `ect_replica_${suffix}`;
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const created: string[] = [];
  const destroy = async () => {
    for (const name of created.reverse()) {
      await run("pg_dropcluster", ["--stop", VERSION, name], { timeout: 60_000 }).catch(() => {});
    }
  };
  try {
    await run(
      "pg_createcluster",
      [
        VERSION,
        primaryName,
        "-p",
        String(primaryPort),
        "--start",
        "--",
        "--auth-host=trust",
        "--auth-local=trust",
      ],
      { timeout: 120_000 },
    );
    created.push(primaryName);
    // Debian keeps pg_hba.conf beside the cluster's config, not in the data directory the copy replaces.
    await run(
      "pg_createcluster",
      [VERSION, replicaName, "-p", String(replicaPort), "--", "--auth-host=trust", "--auth-local=trust"],
      { timeout: 120_000 },
    );
    created.push(replicaName);
    const dataDir = `/var/lib/postgresql/${VERSION}/${replicaName}`;
    // The replica's own initdb goes; its data directory becomes a copy of the primary's, set to follow it.
    await run("find", [dataDir, "-mindepth", "1", "-delete"], { timeout: 60_000 });
    await run(
      "/usr/sbin/runuser",
      [
        "-u",
        "postgres",
        "--",
        `/usr/lib/postgresql/${VERSION}/bin/pg_basebackup`,
        "-h",
        "127.0.0.1",
        "-p",
        String(primaryPort),
        "-U",
        "postgres",
        "-D",
        dataDir,
        "-R",
        "-X",
        "stream",
      ],
      { timeout: 180_000 },
    );
    await run("pg_ctlcluster", [VERSION, replicaName, "start"], { timeout: 120_000 });
    const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
    const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
    await until(60_000, "the replica streams from the primary", async () => {
      const rows = await query<{ n: number }>(
        primaryUrl,
        "SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'",
      );
      return rows[0].n === 1;
    });
    return {
      primaryUrl,
      replicaUrl,
      async pauseReplay(paused) {
        await query(replicaUrl, paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
      },
      async caughtUp(ms) {
        const [{ lsn }] = await query<{ lsn: string }>(
          primaryUrl,
          "SELECT pg_current_wal_lsn()::text AS lsn",
        );
        await until(ms, "the replica caught up", async () => {
          const rows = await query<{ done: boolean }>(
            replicaUrl,
            `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`,
          );
          return rows[0].done;
        });
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
