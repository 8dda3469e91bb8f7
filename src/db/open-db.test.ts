import assert from "node:assert/strict";
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createTokenAuthority } from "../auth/token-issuer.js";
import { loadConfig } from "../config.js";
import { migrate } from "./migrate.js";
import { openDb } from "./open-db.js";

/** Every path under dir (itself included) whose mode has group or other bits, with its mode. */
async function sharedPaths(dir: string): Promise<string[]> {
  const paths = [dir];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    paths.push(join(entry.parentPath, entry.name));
  }
  const shared: string[] = [];
  for (const path of paths) {
    const { mode } = await lstat(path);
    if (mode & 0o077) shared.push(`${(mode & 0o777).toString(8)} ${path}`);
  }
  return shared;
}

describe("the embedded database directory", { timeout: 120_000 }, () => {
  const roots: string[] = [];
  after(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));
  const freshRoot = async () => {
    const root = await mkdtemp(join(tmpdir(), "ect-data-"));
    roots.push(root);
    return root;
  };

  it("is created 0700 with owner-only files, the development secret among them", async () => {
    const dataDir = join(await freshRoot(), "data");
    const config = loadConfig({ ECT_DATA_DIR: dataDir });
    const db = await openDb(config);
    try {
      await migrate(db);
      await db.query("CREATE TABLE later_file (x int)");
      await db.query("INSERT INTO later_file SELECT generate_series(1, 1000)");
      await db.query("CHECKPOINT");
      await createTokenAuthority(config, db);
      // What the database writes later with the default mode (pg_internal.init, temporary files).
      await writeFile(join(dataDir, "written-later"), "");
    } finally {
      await db.close();
    }
    const entries = await readdir(dataDir, { recursive: true });
    assert.ok(entries.length > 500, `the database's files are there (${entries.length})`);
    assert.ok(entries.includes("dev-jwt-secret"));
    assert.equal((await lstat(dataDir)).mode & 0o777, 0o700);
    assert.deepEqual(await sharedPaths(dataDir), []);
  });

  it("is tightened when an older, world-readable one is opened", async () => {
    const dataDir = join(await freshRoot(), "old");
    const first = await openDb(loadConfig({ ECT_DATA_DIR: dataDir }));
    await first.close();
    await chmod(dataDir, 0o777);
    await mkdir(join(dataDir, "stray"), { mode: 0o777 });
    await chmod(join(dataDir, "stray"), 0o777);
    await writeFile(join(dataDir, "stray", "notes"), "x");
    await chmod(join(dataDir, "stray", "notes"), 0o666);
    await chmod(join(dataDir, "PG_VERSION"), 0o666);
    const db = await openDb(loadConfig({ ECT_DATA_DIR: dataDir }));
    await db.close();
    assert.deepEqual(await sharedPaths(dataDir), []);
  });
});
