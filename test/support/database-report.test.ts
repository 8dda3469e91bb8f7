import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { databaseOf, isCi } from "./database-report.js";

const reporter = fileURLToPath(new URL("./database-report.ts", import.meta.url));

/** Runs `files` under node --test as `npm test` does (spec + this reporter, --test-force-exit). */
function runSuite(files: Record<string, string>, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "ect-db-report-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        import.meta.resolve("tsx"),
        "--test",
        "--test-force-exit",
        "--test-concurrency=1",
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        `--test-reporter=${reporter}`,
        "--test-reporter-destination=stdout",
        ...Object.keys(files),
      ],
      // Without NODE_TEST_CONTEXT: the child is a run of its own, not a file of this one.
      {
        cwd: dir,
        env: { ...withoutTestContext(process.env), CI: "", ...env },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    return { status: result.status, stdout: result.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withoutTestContext(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...rest } = env;
  return rest;
}

const BOTH = `import { describe, it } from "node:test";
for (const name of ["embedded PGlite", "PostgreSQL"]) describe(\`cases on \${name}\`, () => { it("a", () => {}); it("b", () => {}); });`;
const SKIPPED = `import { describe, it } from "node:test";
describe("adapter on PostgreSQL", { skip: "ECT_TEST_DATABASE_URL is not set" }, () => { it("c", () => {}); });`;

describe("the database report of npm test", { timeout: 120_000 }, () => {
  it("names the database of a suite, PGlite before the bare PostgreSQL", () => {
    assert.equal(databaseOf("the LOD case lifecycle on embedded PGlite"), "embedded PGlite");
    assert.equal(databaseOf("signing out (PostgreSQL)"), "PostgreSQL");
    assert.equal(databaseOf("ECT when its PostgreSQL fails"), "PostgreSQL");
    assert.equal(databaseOf("watch limits"), undefined);
    assert.deepEqual(
      ["true", "1", "", "false", "0", undefined].map((CI) => isCi({ CI })),
      [true, true, false, false, false, false],
    );
  });

  it("prints a line per file with the suites and tests each database ran, and passes a skip outside CI", () => {
    const run = runSuite({ "both.test.mjs": BOTH, "skipped.test.mjs": SKIPPED }, {});
    assert.equal(run.status, 0, run.stdout);
    assert.match(
      run.stdout,
      /Suites by database:\n {2}both\.test\.mjs: embedded PGlite \(1 suite, 2 tests\), PostgreSQL \(1 suite, 2 tests\)\n {2}total: 1 suites on embedded PGlite, 1 suites on PostgreSQL\nSkipped:\n {2}skipped\.test\.mjs: suite "adapter on PostgreSQL" \(ECT_TEST_DATABASE_URL is not set\)\n/,
    );
  });

  it("fails a CI run in which a suite skipped, or no suite ran on PostgreSQL", () => {
    const skipped = runSuite({ "both.test.mjs": BOTH, "skipped.test.mjs": SKIPPED }, { CI: "true" });
    assert.equal(skipped.status, 1, skipped.stdout);
    assert.match(skipped.stdout, /Skipped, which CI counts as FAILED:\n.*adapter on PostgreSQL/);
    assert.match(skipped.stdout, /FAILED in CI: 1 skipped/);
    const pgliteOnly = runSuite(
      {
        "one.test.mjs": `import { describe, it } from "node:test"; describe("x on embedded PGlite", () => { it("a", () => {}); });`,
      },
      { CI: "true" },
    );
    assert.equal(pgliteOnly.status, 1, pgliteOnly.stdout);
    assert.match(pgliteOnly.stdout, /FAILED in CI: no suite ran on PostgreSQL/);
    const clean = runSuite({ "both.test.mjs": BOTH }, { CI: "true" });
    assert.equal(clean.status, 0, clean.stdout);
  });
});
