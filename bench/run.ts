/**
 * `npm run bench`: starts PostgreSQL-backed ECT, the peers and a load driver as separate processes, runs
 * the scenarios of REQUIREMENTS.md §7, prints a table and writes bench/results/<date>.{json,html}.
 *
 *   --quick            a few-minute profile (200,000 cases) instead of the full one (1,000,000)
 *   --check            compare the ratios with bench/baseline.json; exit 1 on a regression
 *   --write-baseline   store this run's ratios as bench/baseline.json
 *   --repeats N        repeats of each measurement (default 3)
 *   --cpu-prof         also profile the server during one per-item stream (bench/results/cpu/)
 *   --only a,b         run only these scenarios (throughput, ttfi, concurrency, unary, slow, memory, scale, search)
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createTokenAuthority } from "../src/auth/token-issuer.js";
import { loadConfig } from "../src/config.js";
import { type Comparison, compare } from "./check.js";
import { summariseCpuProfile } from "./cpu-profile.js";
import { ensureData, machineFacts } from "./database.js";
import { embedded } from "./embedded.js";
import { fairness } from "./fairness.js";
import { Children } from "./processes.js";
import { deriveFigures, type Figure } from "./ratios.js";
import { htmlReport, markdownTable, type Results } from "./report.js";
import { scale } from "./scale.js";
import {
  ACTIVE_STREAM,
  concurrency,
  memory,
  type Profile,
  type Recorded,
  type Rig,
  settle,
  slowConsumer,
  target,
  throughput,
  timeToFirstItem,
  unary,
} from "./scenarios.js";
import { search } from "./search.js";
import { Driver, ectEnv, startEct, startPeer } from "./servers.js";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    "write-baseline": { type: "boolean", default: false },
    repeats: { type: "string", default: "3" },
    "cpu-prof": { type: "boolean", default: false },
    only: { type: "string" },
  },
});

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const BASELINE = new URL("./baseline.json", import.meta.url);
const RESULTS = new URL("./results/", import.meta.url);
const repeats = Math.max(1, Number(args.repeats));

const profile: Profile = args.quick
  ? {
      name: "quick",
      database: "ect_bench_quick",
      cases: 200_000,
      // 100,000 (2 s a read): over 50,000 the first repeat's warm-up moved the StreamCases ratio by ±20 %.
      casesLimit: 100_000,
      repeats,
      ttfiCalls: 200,
      concurrency: [1, 10, 50, 100],
      concurrencyMs: 3000,
      slowMs: 5000,
      unaryMs: 3000,
    }
  : {
      name: "full",
      database: "ect_bench",
      cases: 1_000_000,
      casesLimit: 300_000,
      repeats,
      ttfiCalls: 1000,
      concurrency: [1, 10, 50, 100, 1000],
      concurrencyMs: 8000,
      slowMs: 30_000,
      unaryMs: 10_000,
    };

const started = Date.now();
const log = (line: string) =>
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const children = new Children();
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping every child process`);
    void children.stopAll().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const data = await ensureData(
    ADMIN_URL,
    profile.database,
    { cases: profile.cases, users: 10_000, online: 5_000 },
    children,
    log,
  );
  log(
    `data: ${data.cases} cases (${data.activeCases} active) in ${profile.database}, PostgreSQL ${data.postgres}`,
  );
  // Development tokens need a secret of at least 32 bytes.
  const secret = randomBytes(32).toString("hex");
  const tokens = await createTokenAuthority(loadConfig({ ECT_JWT_SECRET: secret, ECT_DATA_DIR: "memory" }));
  const authorization = `Bearer ${(await tokens.issue("admin")).token}`;
  const env = ectEnv(data, secret);
  const peerEnv = { BENCH_DATABASE_URL: data.url, BENCH_UNIT_ID: String(data.adminUnitId) };

  log("starting ECT (default sampler), ECT (always_off), peers and the load driver");
  const [ect, ectUntraced, connect, grpcjs, fastify] = await Promise.all([
    startEct(children, "ect", env),
    startEct(children, "ect-untraced", { ...env, OTEL_TRACES_SAMPLER: "always_off" }),
    startPeer(children, "connect-peer", "bench/peers/connect-peer.ts", peerEnv),
    startPeer(children, "grpcjs-peer", "bench/peers/grpcjs-peer.ts", peerEnv),
    startPeer(children, "fastify-peer", "bench/peers/fastify-peer.ts", peerEnv),
  ]);
  const driver = new Driver(children.fork("driver", "bench/driver.ts"));
  await driver.ready();
  const rig: Rig = {
    profile,
    driver,
    data,
    authorization,
    ect,
    ectUntraced,
    connect: connect.url,
    grpcjs: grpcjs.url,
    fastify: fastify.url,
    children,
    ectEnv: env,
  };
  const recorded: Recorded = { values: {}, ttfi: {}, memory: {}, timelines: {}, notes: [] };

  // Warm every server's code paths once so the first repeat does not pay for module loading and JIT.
  for (const url of [ect.url, ectUntraced.url, connect.url, grpcjs.url]) {
    const auth = url === connect.url || url === grpcjs.url ? undefined : authorization;
    await driver.run({ kind: "stream", target: target(url, ACTIVE_STREAM, "frames", auth), durationMs: 500 });
  }
  await settle();
  const scenarios: [
    string,
    string,
    (rig: Rig, recorded: Recorded, log: (line: string) => void) => Promise<void>,
  ][] = [
    ["throughput", "throughput (single stream)", throughput],
    ["ttfi", "time to first item (unloaded)", timeToFirstItem],
    ["concurrency", "concurrent streams", concurrency],
    ["fairness", "fairness: 50 streams started together on one connection and on 50", fairness],
    ["unary", "unary GetCase", unary],
    ["slow", "slow consumer", slowConsumer],
    ["memory", "memory: streamed against buffered (fresh server per repeat)", memory],
    ["embedded", "embedded database (PGlite): per-item stream against the raw read", embedded],
    ["scale", "scale-out: the same streams over 1, 2 and 3 instances on one PostgreSQL", scale],
    ["search", "case search: p50/p99 of representative searches (first page of 50) over REST", search],
  ];
  const only = args.only?.split(",");
  for (const [name, title, scenario] of scenarios) {
    if (only && !only.includes(name)) continue;
    log(title);
    await scenario(rig, recorded, log);
  }
  if (args["cpu-prof"]) await cpuProfile(rig, log);

  const figures = deriveFigures(recorded.values);
  const date = new Date().toISOString().replace(/[:.]/g, "-");
  const results: Results = {
    date,
    profile: profile.name,
    durationS: Math.round((Date.now() - started) / 1000),
    machine: machineFacts(data.postgres),
    data: {
      cases: data.cases,
      activeCases: data.activeCases,
      streamCasesRows: profile.casesLimit,
      users: 10_000,
      online: 5_000,
      repeats,
    },
    figures,
    values: recorded.values,
    ttfi: recorded.ttfi,
    memory: recorded.memory,
    timelines: recorded.timelines,
    concurrency: profile.concurrency,
    notes: recorded.notes,
  };
  await mkdir(RESULTS, { recursive: true });
  await writeFile(new URL(`${date}.json`, RESULTS), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(new URL(`${date}.html`, RESULTS), htmlReport(results));
  process.stdout.write(`\n${markdownTable(results)}\n\n`);
  log(`wrote bench/results/${date}.json and .html (${results.durationS} s)`);

  if (args["write-baseline"]) {
    const baseline = {
      date,
      profile: profile.name,
      machine: results.machine,
      figures: figures.filter((f) => f.check),
    };
    await writeFile(BASELINE, `${JSON.stringify(baseline, null, 2)}\n`);
    log("wrote bench/baseline.json");
  }
  if (args.check) return check(figures);
  return 0;
}

async function check(figures: Figure[]): Promise<number> {
  const baseline = JSON.parse(await readFile(BASELINE, "utf8")) as { profile: string; figures: Figure[] };
  if (baseline.profile !== profile.name)
    log(`warning: baseline is a ${baseline.profile} run, this is ${profile.name}`);
  const comparisons: Comparison[] = compare(figures, baseline.figures);
  process.stdout.write("| Ratio | Baseline | Now | Lowest passing | |\n|---|---:|---:|---:|---|\n");
  for (const c of comparisons) {
    process.stdout.write(
      `| ${c.name} | ${c.baseline.toFixed(3)} | ${c.current.toFixed(3)} | ${c.limit.toFixed(3)} | ${c.ok ? "ok" : "REGRESSION"} |\n`,
    );
  }
  const failed = comparisons.filter((c) => !c.ok);
  log(failed.length ? `bench:check failed: ${failed.map((c) => c.name).join(", ")}` : "bench:check passed");
  return failed.length ? 1 : 0;
}

/** Profiles a dedicated server while it streams every active case, then summarises the top frames. */
async function cpuProfile(rig: Rig, log: (line: string) => void) {
  const dir = new URL(`cpu/${Date.now()}/`, RESULTS).pathname;
  await mkdir(dir, { recursive: true });
  const server = await startEct(children, "ect-cpu-prof", rig.ectEnv, ["--cpu-prof", "--cpu-prof-dir", dir]);
  const run = await rig.driver.run({
    kind: "stream",
    target: target(server.url, ACTIVE_STREAM, "frames", rig.authorization),
  });
  log(`cpu profile: ${Math.round(run.itemsPerSecond!)} items/s under the profiler`);
  await children.stop(server.child, 15_000);
  process.stdout.write(`\n${await summariseCpuProfile(dir)}\n`);
}

main().then(
  async (code) => {
    await children.stopAll();
    process.exit(code);
  },
  async (error: unknown) => {
    log(`failed: ${(error as Error)?.stack ?? error}`);
    await children.stopAll();
    process.exit(1);
  },
);
