/**
 * A node:test reporter that prints, after the run, which suites ran on which database: a line per test file
 * whose top-level suites name one ("… on embedded PGlite", "… on PostgreSQL", "ECT when its PostgreSQL
 * fails"), then every skipped suite or test with its reason. Under CI (CI=true) a skip is a failure: the
 * PostgreSQL suites skip without ECT_TEST_DATABASE_URL and the fault suite without PostgreSQL's binaries,
 * and a green CI run must mean they ran. Used beside the spec reporter by `npm test`.
 */
import { relative } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import type { TestEvent } from "node:test/reporters";

/** The databases a suite's name says it runs on. */
const DATABASES = ["embedded PGlite", "PostgreSQL"] as const;
type Database = (typeof DATABASES)[number];

/** What ran (or skipped) in one test file, by database. */
interface FileRuns {
  ran: Map<Database, { suites: number; tests: number }>;
  skipped: string[];
}

/** The database a top-level suite's name names, if any ("embedded PGlite" before the bare "PostgreSQL"). */
export function databaseOf(suiteName: string): Database | undefined {
  return DATABASES.find((database) => suiteName.includes(database));
}

/** True when the CI variable says this run is CI (the convention of GitHub Actions and most runners). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.toLowerCase();
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

/** The report's lines and whether a CI run must fail, from the runs recorded per file. */
export function summarize(
  files: ReadonlyMap<string, FileRuns>,
  ci: boolean,
): { lines: string[]; failed: boolean } {
  const lines = ["", "Suites by database:"];
  const totals = new Map<Database, number>();
  for (const [file, runs] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (runs.ran.size === 0) continue;
    const parts = DATABASES.filter((database) => runs.ran.has(database)).map((database) => {
      const { suites, tests } = runs.ran.get(database)!;
      totals.set(database, (totals.get(database) ?? 0) + suites);
      return `${database} (${suites} suite${suites === 1 ? "" : "s"}, ${tests} tests)`;
    });
    lines.push(`  ${file}: ${parts.join(", ")}`);
  }
  lines.push(
    `  total: ${DATABASES.map((database) => `${totals.get(database) ?? 0} suites on ${database}`).join(", ")}`,
  );
  const skipped = [...files].flatMap(([file, runs]) => runs.skipped.map((what) => `${file}: ${what}`));
  if (skipped.length > 0) {
    lines.push(ci ? "Skipped, which CI counts as FAILED:" : "Skipped:");
    for (const line of skipped) lines.push(`  ${line}`);
  }
  const noPostgres = ci && !totals.get("PostgreSQL");
  if (noPostgres) lines.push("FAILED in CI: no suite ran on PostgreSQL (set ECT_TEST_DATABASE_URL)");
  if (ci && skipped.length > 0) lines.push(`FAILED in CI: ${skipped.length} skipped (see above)`);
  return { lines, failed: ci && (skipped.length > 0 || noPostgres) };
}

/**
 * The reporter: a Transform from the run's events to the report's text, written when the run's own summary
 * (the last event) arrives. Synchronous on purpose: under --test-force-exit the process exits in the same
 * tick as that event, before an async generator reporter would get its turn.
 */
export default class DatabaseReport extends Transform {
  readonly #files = new Map<string, FileRuns>();
  /** The database of the top-level suite running in each file (its tests end before it does). */
  readonly #current = new Map<string, Database | undefined>();

  constructor() {
    super({ writableObjectMode: true });
  }

  override _transform(event: TestEvent, _encoding: BufferEncoding, done: TransformCallback): void {
    if (event.type === "test:summary" && event.data.file === undefined) {
      const { lines, failed } = summarize(this.#files, isCi());
      // The runner sets a failing exit code on a failed test only; a skip in CI needs the reporter to set it.
      if (failed) process.exitCode = 1;
      done(null, `${lines.join("\n")}\n`);
      return;
    }
    if (event.type === "test:start" || event.type === "test:pass" || event.type === "test:fail") {
      this.#record(event);
    }
    done();
  }

  #record(event: Extract<TestEvent, { type: "test:start" | "test:pass" | "test:fail" }>): void {
    if (!event.data.file) return;
    const file = relative(process.cwd(), event.data.file);
    if (event.type === "test:start") {
      if (event.data.nesting === 0) this.#current.set(file, databaseOf(event.data.name));
      return;
    }
    const data = event.data;
    let runs = this.#files.get(file);
    if (!runs) {
      runs = { ran: new Map(), skipped: [] };
      this.#files.set(file, runs);
    }
    const isSuite = data.details.type === "suite";
    if (event.type === "test:pass" && data.skip !== undefined) {
      const reason = typeof data.skip === "string" ? data.skip : "skipped";
      runs.skipped.push(`${isSuite ? "suite" : "test"} "${data.name}" (${reason})`);
      return;
    }
    const database = data.nesting === 0 ? databaseOf(data.name) : this.#current.get(file);
    if (!database) return;
    const counts = runs.ran.get(database) ?? { suites: 0, tests: 0 };
    if (isSuite && data.nesting === 0) counts.suites++;
    else if (!isSuite) counts.tests++;
    runs.ran.set(database, counts);
  }
}
