import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Db } from "./db.js";

const migrationsDir = fileURLToPath(new URL("./migrations/", import.meta.url));

/** Applies the numbered .sql migrations not yet applied, in order, each in its own transaction. */
export async function migrate(db: Db): Promise<string[]> {
  await db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  const files = (await readdir(migrationsDir)).filter((name) => /^\d+_.+\.sql$/.test(name)).sort();
  const applied: string[] = [];
  for (const file of files) {
    const script = await readFile(migrationsDir + file, "utf8");
    const didApply = await db.transaction(async (tx) => {
      // Several instances may start at once: one applies, the others wait and then skip.
      await tx.query("SELECT pg_advisory_xact_lock(740348)");
      const done = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [file]);
      if (done.rowCount > 0) return false;
      await tx.exec(script);
      await tx.query("INSERT INTO schema_migrations (version) VALUES ($1)", [file]);
      return true;
    });
    if (didApply) applied.push(file);
  }
  return applied;
}
