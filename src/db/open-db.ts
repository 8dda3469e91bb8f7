import { mkdir } from "node:fs/promises";
import type { Config } from "../config.js";
import type { Db } from "./db.js";
import { PgDb } from "./pg-db.js";
import { PgliteDb } from "./pglite-db.js";

/** Opens PostgreSQL when ECT_DATABASE_URL is set, otherwise the embedded database in ECT_DATA_DIR. */
export async function openDb(config: Pick<Config, "databaseUrl" | "dataDir" | "db">): Promise<Db> {
  if (config.databaseUrl) {
    return new PgDb({
      connectionString: config.databaseUrl,
      poolMin: config.db.poolMin,
      poolMax: config.db.poolMax,
      statementTimeoutMs: config.db.statementTimeoutMs,
    });
  }
  if (config.dataDir !== "memory") await mkdir(config.dataDir, { recursive: true });
  return PgliteDb.open(config.dataDir);
}
