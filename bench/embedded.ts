import { existsSync } from "node:fs";
import { cp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { exited } from "./processes.js";
import { ACTIVE_STREAM, type Recorded, type Rig, record, settle, target } from "./scenarios.js";
import { startEct } from "./servers.js";

/** Cases of the embedded database: PGlite is for a laptop, so it gets a laptop-sized volume. */
const EMBEDDED_CASES = { quick: 20_000, full: 100_000 } as const;

/**
 * The embedded database (PGlite): ECT's per-item stream against a raw PGlite read of the same rows.
 * PGlite is one process's database, so the driver reads a copy of the data directory the server uses.
 */
export async function embedded(rig: Rig, recorded: Recorded, log: (line: string) => void) {
  const cases = EMBEDDED_CASES[rig.profile.name];
  const dir = join(os.tmpdir(), `ect-bench-pglite-${cases}`);
  const copy = `${dir}-driver`;
  if (!existsSync(join(dir, "PG_VERSION"))) {
    log(`  seeding the embedded database in ${dir}: ${cases} cases …`);
    await rm(dir, { recursive: true, force: true });
    const seed = rig.children.spawn("seed-pglite", "src/cli.ts", {
      env: { ECT_DATABASE_URL: "", ECT_DATA_DIR: dir, ECT_LOG_LEVEL: "warn" },
      args: ["seed", "--cases", String(cases), "--users", "1000", "--online", "500"],
    });
    seed.stdout?.resume();
    await exited(seed);
  }
  await rm(copy, { recursive: true, force: true });
  await cp(dir, copy, { recursive: true });
  const server = await startEct(rig.children, "ect-embedded", {
    ...rig.ectEnv,
    ECT_DATABASE_URL: "",
    ECT_DATA_DIR: dir,
    ECT_SEED_DEMO: "false",
  });
  try {
    const auth = rig.authorization;
    const stream = target(server.url, ACTIVE_STREAM, "frames", auth);
    await rig.driver.run({ kind: "stream", target: stream, durationMs: 300 });
    for (let repeat = 1; repeat <= rig.profile.repeats; repeat++) {
      const raw = await rig.driver.run({ kind: "pgliteRead", dataDir: copy });
      const ect = await rig.driver.run({ kind: "stream", target: stream });
      if (ect.items !== raw.items)
        throw new Error(`embedded: ECT sent ${ect.items} items, PGlite read ${raw.items}`);
      record(recorded, "pglite.active", raw.itemsPerSecond!);
      record(recorded, "ect.embedded.items", ect.itemsPerSecond!);
      log(
        `  embedded ${repeat}/${rig.profile.repeats}: raw PGlite ${Math.round(raw.itemsPerSecond!)}/s, ` +
          `ECT ${Math.round(ect.itemsPerSecond!)}/s (${raw.items} rows)`,
      );
      await settle();
    }
  } finally {
    await rig.children.stop(server.child);
    await rm(copy, { recursive: true, force: true });
  }
}
