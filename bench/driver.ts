/**
 * The load driver: a separate process that run.ts forks and sends tasks to over IPC. Each task drives one
 * kind of load against one server and answers with what it measured; the driver holds no state between
 * tasks except open pg clients.
 */
import http from "node:http";
import type http2 from "node:http2";
import pg from "pg";
import { PG_SESSION_OPTIONS } from "../src/db/pg-db.js";
import { PgliteDb } from "../src/db/pglite-db.js";
import { type CallResult, call, type GrpcTarget, openSession } from "./grpc-client.js";
import { pgPages } from "./pg-pages.js";
import { activePages, casePages } from "./rows.js";
import { quantile } from "./stats.js";

/** A task run.ts sends; `id` pairs it with its answer. */
export type Task = { id: number } & (
  | { kind: "pgRead"; databaseUrl: string; rows: "cases" | "active"; unitId: number; limit?: number }
  | { kind: "pgliteRead"; dataDir: string }
  | { kind: "stream"; target: GrpcTarget; itemsPerSecond?: number; durationMs?: number }
  | { kind: "ttfi"; target: GrpcTarget; calls: number }
  | { kind: "concurrent"; target: GrpcTarget; streams: number; durationMs: number }
  | { kind: "fairness"; target: GrpcTarget; streams: number; connections: "one" | "each"; stopAfter: number }
  | { kind: "unaryGrpc"; target: GrpcTarget; ids: number[]; concurrency: number; durationMs: number }
  | {
      kind: "unaryRest";
      url: string;
      pathPrefix: string;
      authorization?: string;
      ids: number[];
      concurrency: number;
      durationMs: number;
    }
);

/** What a task measured. */
export interface Measured {
  items?: number;
  ms?: number;
  itemsPerSecond?: number;
  ttfiMs?: number[];
  requests?: number;
  errors?: number;
  p50Ms?: number;
  p99Ms?: number;
  bytes?: number;
  status?: string;
  /** Per stream, from the moment all started: [first item ms, last item ms, items]. */
  timeline?: [number, number, number][];
}

const toBody = (target: GrpcTarget): GrpcTarget => ({
  ...target,
  body: Buffer.from(target.body as unknown as string, "base64"),
});

async function pgRead(task: Extract<Task, { kind: "pgRead" }>): Promise<Measured> {
  const client = new pg.Client({ connectionString: task.databaseUrl, options: PG_SESSION_OPTIONS });
  await client.connect();
  try {
    const query = task.rows === "cases" ? casePages(task.unitId) : activePages;
    const started = performance.now();
    let items = 0;
    let ttfi = -1;
    for await (const rows of pgPages(client, query, undefined, task.limit)) {
      if (ttfi < 0) ttfi = performance.now() - started;
      items += rows.length;
    }
    const ms = performance.now() - started;
    return { items, ms, itemsPerSecond: (items / ms) * 1000, ttfiMs: [ttfi] };
  } finally {
    await client.end();
  }
}

async function stream(task: Extract<Task, { kind: "stream" }>): Promise<Measured> {
  const session = await openSession(task.target.url);
  try {
    const deadline = task.durationMs ? performance.now() + task.durationMs : undefined;
    const result = await call(session, toBody(task.target), {
      itemsPerSecond: task.itemsPerSecond,
      deadline,
    });
    return {
      items: result.items,
      ms: result.totalMs,
      itemsPerSecond: (result.items / result.totalMs) * 1000,
      ttfiMs: [result.ttfiMs],
      bytes: result.bytes,
      status: result.status,
    };
  } finally {
    session.close();
  }
}

async function ttfi(task: Extract<Task, { kind: "ttfi" }>): Promise<Measured> {
  const session = await openSession(task.target.url);
  const target = toBody(task.target);
  try {
    await call(session, target, { stopAfter: 1 }); // warm-up
    const times: number[] = [];
    let errors = 0;
    const status = new Set<string>();
    for (let i = 0; i < task.calls; i++) {
      const result = await call(session, target, { stopAfter: 1 });
      if (result.ttfiMs >= 0) times.push(result.ttfiMs);
      else {
        errors++;
        status.add(`${result.status} ${result.message ?? ""}`);
      }
    }
    return {
      ttfiMs: times,
      errors,
      p50Ms: quantile(times, 0.5),
      p99Ms: quantile(times, 0.99),
      status: [...status].join("; "),
    };
  } finally {
    session.close();
  }
}

async function concurrent(task: Extract<Task, { kind: "concurrent" }>): Promise<Measured> {
  const target = toBody(task.target);
  const sessions: http2.ClientHttp2Session[] = [];
  for (let i = 0; i < task.streams; i++) sessions.push(await openSession(target.url));
  try {
    const started = performance.now();
    const deadline = started + task.durationMs;
    const firstTtfi: number[] = [];
    let items = 0;
    let errors = 0;
    const status = new Set<string>();
    // Every stream starts together; a stream that completes starts again until the deadline.
    await Promise.all(
      sessions.map(async (session) => {
        let first = true;
        while (performance.now() < deadline) {
          const result: CallResult = await call(session, target, { deadline });
          items += result.items;
          if (first) firstTtfi.push(result.ttfiMs);
          first = false;
          if (result.status !== "0" && result.status !== "cancelled") {
            errors++;
            status.add(`${result.status} ${result.message ?? ""}`);
            break;
          }
        }
      }),
    );
    const ms = performance.now() - started;
    return {
      items,
      ms,
      itemsPerSecond: (items / ms) * 1000,
      ttfiMs: firstTtfi,
      p50Ms: quantile(firstTtfi, 0.5),
      p99Ms: quantile(firstTtfi, 0.99),
      errors,
      status: [...status].join("; "),
    };
  } finally {
    for (const session of sessions) session.close();
  }
}

const randomId = (ids: number[]) => ids[Math.floor(Math.random() * ids.length)];

/**
 * N streams started together, on one HTTP/2 connection or one connection each, each read until it has
 * `stopAfter` items: when each got its first item and its last, measured from the common start.
 */
async function fairness(task: Extract<Task, { kind: "fairness" }>): Promise<Measured> {
  const target = toBody(task.target);
  const sessions: http2.ClientHttp2Session[] = [];
  const count = task.connections === "one" ? 1 : task.streams;
  for (let i = 0; i < count; i++) sessions.push(await openSession(target.url));
  try {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: task.streams }, (_, i) =>
        call(sessions[i % count], target, { stopAfter: task.stopAfter }),
      ),
    );
    const ms = performance.now() - started;
    const items = results.reduce((sum, result) => sum + result.items, 0);
    const failed = results.filter((result) => result.status !== "0" && result.status !== "cancelled");
    const first = results.map((result) => result.ttfiMs);
    const done = results.map((result) => result.totalMs);
    return {
      items,
      ms,
      itemsPerSecond: (items / ms) * 1000,
      p50Ms: quantile(first, 0.5),
      p99Ms: quantile(first, 0.99),
      ttfiMs: done,
      errors: failed.length,
      status: [...new Set(failed.map((result) => `${result.status} ${result.message ?? ""}`))].join("; "),
      timeline: results.map((result) => [result.ttfiMs, result.totalMs, result.items]),
    };
  } finally {
    for (const session of sessions) session.close();
  }
}

/** Runs `concurrency` loops of requests until the deadline; collects latencies. */
async function closedLoop(
  concurrency: number,
  durationMs: number,
  request: () => Promise<boolean>,
): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const ok = await request();
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const ms = performance.now() - started;
  return {
    requests: latencies.length,
    errors,
    ms,
    itemsPerSecond: (latencies.length / ms) * 1000,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
  };
}

async function unaryGrpc(task: Extract<Task, { kind: "unaryGrpc" }>): Promise<Measured> {
  const session = await openSession(task.target.url);
  const base = toBody(task.target);
  try {
    return await closedLoop(task.concurrency, task.durationMs, async () => {
      const name = Buffer.from(`cases/${randomId(task.ids)}`);
      const body = Buffer.concat([Buffer.from([0x0a, name.length]), name]);
      const result = await call(session, { ...base, body });
      return result.status === "0" && result.items === 1;
    });
  } finally {
    session.close();
  }
}

async function unaryRest(task: Extract<Task, { kind: "unaryRest" }>): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: task.concurrency });
  const { hostname, port } = new URL(task.url);
  const headers: http.OutgoingHttpHeaders = task.authorization ? { authorization: task.authorization } : {};
  try {
    return await closedLoop(
      task.concurrency,
      task.durationMs,
      () =>
        new Promise<boolean>((resolve) => {
          const request = http.get(
            { agent, hostname, port, path: `${task.pathPrefix}${randomId(task.ids)}`, headers },
            (response) => {
              response.on("data", () => {});
              response.on("end", () => resolve(response.statusCode === 200));
            },
          );
          request.on("error", () => resolve(false));
        }),
    );
  } finally {
    agent.destroy();
  }
}

/** The raw embedded read: ECT's GetActiveCases pages straight from PGlite, in this process. */
async function pgliteRead(task: Extract<Task, { kind: "pgliteRead" }>): Promise<Measured> {
  const db = await PgliteDb.open(task.dataDir);
  try {
    // A freshly opened PGlite reads its files cold; the server it is compared with has run for a while.
    for await (const _ of pgPages(db as unknown as pg.Client, activePages));
    const started = performance.now();
    let items = 0;
    for await (const rows of pgPages(db as unknown as pg.Client, activePages)) items += rows.length;
    const ms = performance.now() - started;
    return { items, ms, itemsPerSecond: (items / ms) * 1000 };
  } finally {
    await db.close();
  }
}

async function run(task: Task): Promise<Measured> {
  switch (task.kind) {
    case "pgRead":
      return pgRead(task);
    case "pgliteRead":
      return pgliteRead(task);
    case "stream":
      return stream(task);
    case "ttfi":
      return ttfi(task);
    case "concurrent":
      return concurrent(task);
    case "fairness":
      return fairness(task);
    case "unaryGrpc":
      return unaryGrpc(task);
    case "unaryRest":
      return unaryRest(task);
  }
}

process.on("message", (task: Task) => {
  run(task).then(
    (result) => process.send?.({ id: task.id, result }),
    (error: Error) => process.send?.({ id: task.id, error: String(error?.stack ?? error) }),
  );
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
