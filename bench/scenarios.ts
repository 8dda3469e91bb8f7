import type { BenchData } from "./database.js";
import type { Measured } from "./driver.js";
import type { CallResult, GrpcTarget } from "./grpc-client.js";
import { growth, type MemorySample, sampleWhile } from "./memory-sampler.js";
import type { Children } from "./processes.js";
import { type Driver, type EctServer, startEct } from "./servers.js";

/** How big and how long a run is. */
export interface Profile {
  name: "quick" | "full";
  database: string;
  cases: number;
  /** Rows of the StreamCases comparison (its 35-column query is PostgreSQL-bound; see README). */
  casesLimit: number;
  repeats: number;
  ttfiCalls: number;
  concurrency: number[];
  concurrencyMs: number;
  slowMs: number;
  unaryMs: number;
}

/** Everything a scenario needs: the driver, the servers and the data. */
export interface Rig {
  profile: Profile;
  driver: Driver;
  data: BenchData;
  authorization: string;
  ect: EctServer;
  ectUntraced: EctServer;
  connect: string;
  grpcjs: string;
  fastify: string;
  children: Children;
  ectEnv: NodeJS.ProcessEnv;
}

/** What the scenarios record: repeated numbers by name, plus series for the charts. */
export interface Recorded {
  values: Record<string, number[]>;
  ttfi: Record<string, number[]>;
  memory: Record<string, MemorySample[]>;
  /** Per-stream [first item ms, last item ms, items] of the last repeat of the fairness scenario. */
  timelines: Record<string, [number, number, number][]>;
  notes: string[];
}

const EMPTY = Buffer.alloc(0).toString("base64");

/** A gRPC target for the driver (the body travels as base64 over IPC). */
export const target = (
  url: string,
  path: string,
  count: GrpcTarget["count"],
  auth?: string,
  body = EMPTY,
): GrpcTarget => ({ url, path, count, authorization: auth, body: body as unknown as Uint8Array });

/** StreamCasesRequest{limit} (field 2, varint), base64 for the driver. */
const streamCasesBody = (limit: number) => {
  const bytes = [0x10];
  for (let v = limit; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      bytes.push(v);
      break;
    }
    bytes.push((v % 128) | 0x80);
  }
  return Buffer.from(bytes).toString("base64");
};

export const CASES = "/ect.v1.CaseService/StreamCases";
export const ACTIVE_STREAM = "/workflow.WorkflowService/GetActiveCasesStream";
export const ACTIVE_UNARY = "/workflow.WorkflowService/GetActiveCases";
export const GET_CASE = "/ect.v1.CaseService/GetCase";

/**
 * A pause after a stream the driver cancelled: ECT cancels the running page with pg_cancel_backend from
 * another connection, and a late cancel can hit the next statement on the released connection (see
 * bench/README.md), so a measured stream never starts right behind a cancelled one.
 */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));

/** Adds one repeat's value of a named measurement. */
export const record = (recorded: Recorded, name: string, value: number) => {
  recorded.values[name] ??= [];
  recorded.values[name].push(value);
};

const expectAll = (name: string, items: number | undefined, expected: number, status?: string) => {
  if (items !== expected) throw new Error(`${name}: ${items} items, expected ${expected} (status ${status})`);
};

/**
 * Runs a full read and checks it delivered every row; a read cut short (see the cancel race in
 * bench/README.md) is noted and run once more after a pause, a second failure stops the run.
 */
async function complete(
  recorded: Recorded,
  log: (line: string) => void,
  name: string,
  expected: number,
  read: () => Promise<Measured>,
): Promise<Measured> {
  const first = await read();
  if (first.items === expected) return first;
  const note = `${name}: ${first.items} of ${expected} items (status ${first.status}); measured again`;
  recorded.notes.push(note);
  log(`  ${note}`);
  await settle();
  const second = await read();
  expectAll(name, second.items, expected, second.status);
  return second;
}

/** Single-stream throughput of ECT against the raw driver and the peers, interleaved per repeat. */
export async function throughput(rig: Rig, recorded: Recorded, log: (line: string) => void) {
  const { driver, data, authorization: auth } = rig;
  for (let repeat = 1; repeat <= rig.profile.repeats; repeat++) {
    const limit = rig.profile.casesLimit;
    const pgCases = await driver.run({
      kind: "pgRead",
      databaseUrl: data.url,
      rows: "cases",
      unitId: data.adminUnitId,
      limit,
    });
    expectAll("pg cases", pgCases.items, limit);
    record(recorded, "pg.cases", pgCases.itemsPerSecond!);
    for (const [name, server] of [
      ["ect.cases", rig.ect],
      ["ect.cases.untraced", rig.ectUntraced],
    ] as const) {
      const body = streamCasesBody(limit);
      const run = await complete(recorded, log, name, limit, () =>
        driver.run({ kind: "stream", target: target(server.url, CASES, "batch", auth, body) }),
      );
      record(recorded, name, run.itemsPerSecond!);
    }
    const pgActive = await driver.run({ kind: "pgRead", databaseUrl: data.url, rows: "active", unitId: 0 });
    expectAll("pg active", pgActive.items, data.activeCases);
    record(recorded, "pg.active", pgActive.itemsPerSecond!);
    for (const [name, url, withAuth] of [
      ["ect.items", rig.ect.url, true],
      ["connect.items", rig.connect, false],
      ["grpcjs.items", rig.grpcjs, false],
      ["ect.items.untraced", rig.ectUntraced.url, true],
    ] as const) {
      const run = await complete(recorded, log, name, data.activeCases, () =>
        driver.run({
          kind: "stream",
          target: target(url, ACTIVE_STREAM, "frames", withAuth ? auth : undefined),
        }),
      );
      record(recorded, name, run.itemsPerSecond!);
    }
    log(
      `  throughput ${repeat}/${rig.profile.repeats}: ` +
        ["pg.cases", "ect.cases", "pg.active", "ect.items", "connect.items", "grpcjs.items"]
          .map((name) => `${name} ${Math.round(recorded.values[name].at(-1)!)}/s`)
          .join(", "),
    );
  }
}

/** Time to first item of many short streams on a warm connection, nothing else running. */
export async function timeToFirstItem(rig: Rig, recorded: Recorded, log: (line: string) => void) {
  const auth = rig.authorization;
  const targets = {
    "ect.items": target(rig.ect.url, ACTIVE_STREAM, "frames", auth),
    "ect.items.untraced": target(rig.ectUntraced.url, ACTIVE_STREAM, "frames", auth),
    "ect.cases": target(rig.ect.url, CASES, "batch", auth),
    "connect.items": target(rig.connect, ACTIVE_STREAM, "frames"),
    "grpcjs.items": target(rig.grpcjs, ACTIVE_STREAM, "frames"),
  };
  for (let repeat = 1; repeat <= rig.profile.repeats; repeat++) {
    for (const [name, t] of Object.entries(targets)) {
      const run = await rig.driver.run({ kind: "ttfi", target: t, calls: rig.profile.ttfiCalls });
      if (run.errors! > rig.profile.ttfiCalls * 0.05) {
        throw new Error(`ttfi ${name}: ${run.errors} calls without an item: ${run.status}`);
      }
      if (run.errors) log(`  ttfi ${name}: ${run.errors} calls ended without an item (${run.status})`);
      record(recorded, `ttfi.errors.${name}`, run.errors!);
      record(recorded, `ttfi.p50.${name}`, run.p50Ms!);
      record(recorded, `ttfi.p99.${name}`, run.p99Ms!);
      recorded.ttfi[name] = run.ttfiMs!;
    }
    log(
      `  ttfi ${repeat}/${rig.profile.repeats}: ` +
        Object.keys(targets)
          .map((name) => `${name} p50 ${recorded.values[`ttfi.p50.${name}`].at(-1)!.toFixed(2)} ms`)
          .join(", "),
    );
  }
}

/** N streams started together for a fixed time; aggregate items/s, TTFI of the first wave, server RSS. */
export async function concurrency(rig: Rig, recorded: Recorded, log: (line: string) => void) {
  const t = target(rig.ect.url, ACTIVE_STREAM, "frames", rig.authorization);
  for (let repeat = 1; repeat <= rig.profile.repeats; repeat++) {
    for (const streams of rig.profile.concurrency) {
      const { result, samples } = await sampleWhile(
        { url: `${rig.ect.url}/metrics`, authorization: rig.authorization },
        250,
        () =>
          rig.driver.run({ kind: "concurrent", target: t, streams, durationMs: rig.profile.concurrencyMs }),
      );
      // Every stream is cancelled at the deadline: let the late cancels land before the next level.
      await settle();
      await settle();
      if (result.errors! > streams / 2) {
        throw new Error(`${streams} streams: ${result.errors} failed: ${result.status}`);
      }
      if (result.errors) {
        const note = `${streams} streams: ${result.errors} failed (${result.status})`;
        recorded.notes.push(note);
        log(`  ${note}`);
      }
      record(recorded, `concurrent.${streams}`, result.itemsPerSecond!);
      record(recorded, `concurrent.${streams}.ttfiP99`, result.p99Ms!);
      record(recorded, `concurrent.${streams}.rssMiB`, Math.max(...samples.map((s) => s.rss)) / 2 ** 20);
      log(
        `  ${streams} streams (${repeat}): ${Math.round(result.itemsPerSecond!)} items/s, ` +
          `ttfi p99 ${result.p99Ms!.toFixed(1)} ms`,
      );
    }
  }
}

/**
 * Streaming every active case against returning them as one buffered unary response, each repeat on a
 * fresh server so one phase's heap does not hide the other's; growth over the phase's first sample.
 */
export async function memory(rig: Rig, recorded: Recorded, log: (line: string) => void) {
  for (let repeat = 1; repeat <= rig.profile.repeats; repeat++) {
    const server = await startEct(rig.children, "ect-memory", rig.ectEnv);
    try {
      const m = await streamedAndBuffered(rig, server, recorded, log, "");
      record(recorded, "memory.stream.heapMiB", mib(m.stream.heap));
      record(recorded, "memory.stream.rssMiB", mib(m.stream.rss));
      record(recorded, "memory.buffered.heapMiB", mib(m.buffered.heap));
      record(recorded, "memory.buffered.rssMiB", mib(m.buffered.rss));
      record(recorded, "memory.stream.itemsPerSecond", m.itemsPerSecond);
      recorded.memory.stream = m.streamSamples;
      recorded.memory.buffered = m.bufferedSamples;
      log(`  memory ${repeat}: ${m.line}`);
    } finally {
      await rig.children.stop(server.child);
    }
    await youngGenerationFloor(rig, recorded, log, repeat);
    await liveHeap(rig, recorded, log, repeat);
  }
}

/**
 * The same stream and buffered answer on a server that runs a full collection before each memory sample
 * (bench/collect-before-sample.ts): heap in use then counts what each way of answering holds, where the
 * default measurement also counts garbage V8 has not collected yet, which grows with a stream's length.
 */
async function liveHeap(rig: Rig, recorded: Recorded, log: (line: string) => void, repeat: number) {
  const server = await startEct(rig.children, "ect-memory-live", rig.ectEnv, [
    "--expose-gc",
    "--import",
    "./bench/collect-before-sample.ts",
  ]);
  try {
    const m = await streamedAndBuffered(rig, server, recorded, log, " (collected before each sample)");
    record(recorded, "memory.liveStream.heapMiB", mib(m.stream.heap));
    record(recorded, "memory.liveBuffered.heapMiB", mib(m.buffered.heap));
    record(recorded, "memory.liveStream.rssMiB", mib(m.stream.rss));
    record(recorded, "memory.liveBuffered.rssMiB", mib(m.buffered.rss));
    recorded.memory["stream, collected before each sample"] = m.streamSamples;
    recorded.memory["buffered, collected before each sample"] = m.bufferedSamples;
    log(`  memory ${repeat}, collected before each sample: ${m.line}`);
  } finally {
    await rig.children.stop(server.child);
  }
}

const mib = (bytes: number) => bytes / 2 ** 20;

/**
 * Every active case on `server` streamed, then answered as one buffered unary response, each sampled for its
 * memory growth; `label` tells the runs apart in the log.
 */
async function streamedAndBuffered(
  rig: Rig,
  server: EctServer,
  recorded: Recorded,
  log: (line: string) => void,
  label: string,
) {
  const auth = rig.authorization;
  const streamed = await sampledStream(rig, server, recorded, log, `memory stream${label}`);
  const buffered = await sampleWhile({ url: `${server.url}/metrics`, authorization: auth }, 100, () =>
    rig.driver.run({ kind: "stream", target: target(server.url, ACTIVE_UNARY, "batch", auth) }),
  );
  expectAll(`memory buffered${label}`, buffered.result.items, rig.data.activeCases, buffered.result.status);
  const stream = growth(streamed.samples);
  const all = growth(buffered.samples);
  const line =
    `stream heap +${mib(stream.heap).toFixed(1)} MiB rss +${mib(stream.rss).toFixed(1)} MiB; ` +
    `buffered heap +${mib(all.heap).toFixed(1)} MiB rss +${mib(all.rss).toFixed(1)} MiB`;
  return {
    stream,
    buffered: all,
    itemsPerSecond: streamed.result.itemsPerSecond!,
    streamSamples: streamed.samples,
    bufferedSamples: buffered.samples,
    line,
  };
}

/**
 * Every active case streamed once on `server` while its memory is sampled, after a short warm-up read so
 * code loading does not count as growth.
 */
async function sampledStream(
  rig: Rig,
  server: EctServer,
  recorded: Recorded,
  log: (line: string) => void,
  name: string,
) {
  const auth = rig.authorization;
  const stream = target(server.url, ACTIVE_STREAM, "frames", auth);
  await rig.driver.run({ kind: "stream", target: stream, durationMs: 300 });
  await settle();
  return sampleWhile({ url: `${server.url}/metrics`, authorization: auth }, 100, () =>
    complete(recorded, log, name, rig.data.activeCases, () =>
      rig.driver.run({ kind: "stream", target: stream }),
    ),
  );
}

/** The young generation's largest semi-space in the floor measurement, MiB (V8 sizes it by itself otherwise). */
const SMALL_SEMI_SPACE_MIB = 1;

/**
 * The floor under the streamed growth: the same stream on a server whose young generation is capped at
 * SMALL_SEMI_SPACE_MIB. Heap in use is read without a forced collection, so it counts rows and items already
 * dead but not yet scavenged; with the young generation capped, what remains is what the stream holds. Also
 * records that server's throughput: the price of the smaller young generation.
 */
async function youngGenerationFloor(
  rig: Rig,
  recorded: Recorded,
  log: (line: string) => void,
  repeat: number,
) {
  const server = await startEct(rig.children, "ect-memory-young", rig.ectEnv, [
    `--max-semi-space-size=${SMALL_SEMI_SPACE_MIB}`,
  ]);
  try {
    const streamed = await sampledStream(
      rig,
      server,
      recorded,
      log,
      "memory stream (young generation capped)",
    );
    const g = growth(streamed.samples);
    record(recorded, "memory.streamSmallYoung.heapMiB", mib(g.heap));
    record(recorded, "memory.streamSmallYoung.rssMiB", mib(g.rss));
    record(recorded, "memory.streamSmallYoung.itemsPerSecond", streamed.result.itemsPerSecond!);
    recorded.memory["stream, young generation capped"] = streamed.samples;
    log(
      `  memory ${repeat}, semi-space ${SMALL_SEMI_SPACE_MIB} MiB: stream heap +${mib(g.heap).toFixed(1)} MiB ` +
        `rss +${mib(g.rss).toFixed(1)} MiB, ${Math.round(streamed.result.itemsPerSecond!)} items/s`,
    );
  } finally {
    await rig.children.stop(server.child);
  }
}

/** One consumer reading 10 items/s: the server must not buffer the rest of the rows. */
export async function slowConsumer(rig: Rig, recorded: Recorded, log: (line: string) => void) {
  const { result, samples } = await sampleWhile(
    { url: `${rig.ect.url}/metrics`, authorization: rig.authorization },
    500,
    () =>
      rig.driver.run({
        kind: "stream",
        target: target(rig.ect.url, ACTIVE_STREAM, "frames", rig.authorization),
        itemsPerSecond: 10,
        durationMs: rig.profile.slowMs,
      }),
  );
  const g = growth(samples);
  record(recorded, "slow.rssMiB", g.rss / 2 ** 20);
  record(recorded, "slow.heapMiB", g.heap / 2 ** 20);
  recorded.memory["slow consumer"] = samples;
  log(
    `  slow consumer: ${result.items} items in ${(result.ms! / 1000).toFixed(1)} s, server rss +${(g.rss / 2 ** 20).toFixed(1)} MiB, heap +${(g.heap / 2 ** 20).toFixed(1)} MiB`,
  );
}

/** Unary GetCase: gRPC and REST on ECT against the bare Fastify route, closed loop of 16 callers. */
export async function unary(rig: Rig, recorded: Recorded, log: (line: string) => void) {
  const { driver, data } = rig;
  const common = { ids: data.caseIds, concurrency: 16, durationMs: rig.profile.unaryMs };
  for (let repeat = 1; repeat <= rig.profile.repeats; repeat++) {
    const runs = {
      "unary.grpc": await driver.run({
        kind: "unaryGrpc",
        target: target(rig.ect.url, GET_CASE, "frames", rig.authorization),
        ...common,
      }),
      "unary.rest": await driver.run({
        kind: "unaryRest",
        url: rig.ect.url,
        pathPrefix: "/ect/v1/cases/",
        authorization: rig.authorization,
        ...common,
      }),
      "unary.fastify": await driver.run({
        kind: "unaryRest",
        url: rig.fastify,
        pathPrefix: "/cases/",
        ...common,
      }),
    };
    for (const [name, run] of Object.entries(runs)) {
      if (run.errors! > run.requests! * 0.01)
        throw new Error(`${name}: ${run.errors}/${run.requests} failed`);
      record(recorded, name, run.itemsPerSecond!);
      record(recorded, `${name}.p99`, run.p99Ms!);
    }
    log(
      `  unary ${repeat}: ` +
        Object.entries(runs)
          .map(
            ([name, run]) =>
              `${name} ${Math.round(run.itemsPerSecond!)} req/s p99 ${run.p99Ms!.toFixed(1)} ms`,
          )
          .join(", "),
    );
  }
}

export type { CallResult };
