import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import type { Config } from "../config.js";
import type { Db } from "./db.js";
import { restrictToOwner } from "./owner-only.js";
import { PgDb } from "./pg-db.js";
import { PgliteDb } from "./pglite-db.js";
import { ReadRoutedDb } from "./read-routed-db.js";

/**
 * Opens PostgreSQL when ECT_DATABASE_URL is set, otherwise the embedded database in ECT_DATA_DIR. The
 * embedded database's directory and files are owner-only: the process umask becomes 077 for the files
 * it creates while it runs, and what it unpacked (or an older ECT left) is tightened after opening.
 * With ECT_DATABASE_READ_URL, stream pages read the replica (read-routed-db.ts).
 */
export async function openDb(
  config: Pick<Config, "databaseUrl" | "dataDir" | "db"> & {
    scaleOut?: Pick<Config["scaleOut"], "readDatabaseUrl">;
    streaming?: Pick<Config["streaming"], "pageConcurrency">;
  },
): Promise<Db> {
  if (config.databaseUrl) {
    // One id per process: its sessions carry it, so a case change names the instance that made it.
    const instanceId = randomUUID();
    const pgOptions = {
      poolMin: config.db.poolMin,
      poolMax: config.db.poolMax,
      statementTimeoutMs: config.db.statementTimeoutMs,
      pageConcurrency: config.streaming?.pageConcurrency,
      instanceId,
    };
    const primary = new PgDb({ connectionString: config.databaseUrl, ...pgOptions });
    const readUrl = config.scaleOut?.readDatabaseUrl;
    if (!readUrl) return primary;
    return new ReadRoutedDb(primary, new PgDb({ connectionString: readUrl, ...pgOptions, poolMin: 0 }));
  }
  if (config.dataDir === "memory") return PgliteDb.open("memory");
  process.umask(0o077);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await restrictToOwner(config.dataDir);
  const db = await PgliteDb.open(config.dataDir);
  await restrictToOwner(config.dataDir);
  return db;
}
