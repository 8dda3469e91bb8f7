import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const built = "web/dist/index.html";
/** Everything the bundle is made from: the app, its page and config, the generated code, SDK and form declarations it imports. */
const sources = [
  "web/src",
  "web/index.html",
  "web/vite.config.ts",
  "src/gen",
  "src/client",
  "src/domain/form",
];
const lock = "web/.build.lock";
/** A lock older than this belongs to a run that died mid-build. */
const staleLockMs = 5 * 60_000;

/**
 * Builds web/dist unless it is newer than every source file, so end-to-end tests never drive a stale bundle.
 * Test files run in parallel processes: a lock file lets one build while the others wait and then reuse it.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (isFresh()) return;
  mkdirSync("web", { recursive: true });
  const deadline = Date.now() + staleLockMs;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`${lock} is still held after ${staleLockMs} ms`);
    await sleep(250);
  }
  try {
    if (isFresh()) return;
    const build = spawnSync(
      "npx",
      ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "warn"],
      { stdio: "inherit" },
    );
    if (build.status !== 0) throw new Error(`the web client did not build (exit ${build.status})`);
  } finally {
    rmSync(lock, { force: true });
  }
}

function tryLock(): boolean {
  try {
    closeSync(openSync(lock, "wx"));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs > staleLockMs) rmSync(lock, { force: true });
    } catch {
      // Released between the two calls: the next attempt takes it.
    }
    return false;
  }
}

function isFresh(): boolean {
  let builtAt: number;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return false;
  }
  return sources.every((source) => newestMtime(source) <= builtAt);
}

function newestMtime(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}
