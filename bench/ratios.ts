import { median, spread } from "./stats.js";

/** A figure derived per repeat from recorded values; `higher` tells which way is better. */
export interface FigureDef {
  name: string;
  label: string;
  /** numerator / denominator per repeat, or a single recorded value when `of` is a string. */
  of: string | [string, string];
  unit: "×" | "ms" | "MiB" | "/s";
  higher: boolean;
  target?: number;
  /** Compared with the baseline by `--check` (ratios only, never absolute numbers). */
  check: boolean;
}

/** A figure's repeats and their median and spread. */
export interface Figure extends FigureDef {
  values: number[];
  median: number;
  spread: number;
  met?: boolean;
}

// Growth under 1 MiB is within the sampling noise; counting it as 1 MiB keeps the memory ratios finite.
const FLOOR: Record<string, number> = {
  "memory.stream.heapMiB": 1,
  "memory.stream.rssMiB": 1,
  "memory.streamSmallYoung.heapMiB": 1,
  "memory.streamSmallYoung.rssMiB": 1,
  "memory.liveStream.heapMiB": 1,
  "memory.liveStream.rssMiB": 1,
};

/** The figures the run reports, in table order. */
export const figureDefs: FigureDef[] = [
  {
    name: "cases_vs_pg",
    label: "ect.v1 StreamCases / raw pg read",
    of: ["ect.cases", "pg.cases"],
    unit: "×",
    higher: true,
    target: 0.8,
    check: true,
  },
  {
    name: "items_vs_connect",
    label: "per-item stream / connect-node peer",
    of: ["ect.items", "connect.items"],
    unit: "×",
    higher: true,
    target: 2,
    check: true,
  },
  {
    name: "items_vs_grpcjs",
    label: "per-item stream / grpc-js peer",
    of: ["ect.items", "grpcjs.items"],
    unit: "×",
    higher: true,
    target: 1,
    check: true,
  },
  {
    name: "items_vs_pg",
    label: "per-item stream / raw pg read",
    of: ["ect.items", "pg.active"],
    unit: "×",
    higher: true,
    check: true,
  },
  {
    name: "ttfi_vs_connect",
    label: "TTFI p50 connect peer / ECT",
    of: ["ttfi.p50.connect.items", "ttfi.p50.ect.items"],
    unit: "×",
    higher: true,
    check: true,
  },
  {
    name: "ttfi_vs_grpcjs",
    label: "TTFI p50 grpc-js peer / ECT (per-item stream)",
    of: ["ttfi.p50.grpcjs.items", "ttfi.p50.ect.items"],
    unit: "×",
    higher: true,
    target: 1,
    check: true,
  },
  {
    name: "ttfi_p50",
    label: "TTFI p50, per-item stream (unloaded)",
    of: "ttfi.p50.ect.items",
    unit: "ms",
    higher: false,
    check: false,
  },
  {
    name: "ttfi_p99",
    label: "TTFI p99, per-item stream (unloaded)",
    of: "ttfi.p99.ect.items",
    unit: "ms",
    higher: false,
    target: 5,
    check: false,
  },
  {
    name: "ttfi_untraced_p50",
    label: "TTFI p50, per-item stream, OTEL_TRACES_SAMPLER=always_off",
    of: "ttfi.p50.ect.items.untraced",
    unit: "ms",
    higher: false,
    check: false,
  },
  {
    name: "ttfi_grpcjs_p99",
    label: "TTFI p99, grpc-js peer (unloaded, for comparison)",
    of: "ttfi.p99.grpcjs.items",
    unit: "ms",
    higher: false,
    check: false,
  },
  {
    name: "ttfi_cases_p50",
    label: "TTFI p50, StreamCases (unloaded)",
    of: "ttfi.p50.ect.cases",
    unit: "ms",
    higher: false,
    target: 5,
    check: false,
  },
  {
    name: "ttfi_cases_p99",
    label: "TTFI p99, StreamCases (unloaded)",
    of: "ttfi.p99.ect.cases",
    unit: "ms",
    higher: false,
    target: 10,
    check: false,
  },
  {
    name: "memory_heap",
    label: "heap growth buffered / streamed",
    of: ["memory.buffered.heapMiB", "memory.stream.heapMiB"],
    unit: "×",
    higher: true,
    target: 20,
    check: true,
  },
  {
    name: "memory_rss",
    label: "RSS growth buffered / streamed",
    of: ["memory.buffered.rssMiB", "memory.stream.rssMiB"],
    unit: "×",
    higher: true,
    target: 11,
    check: true,
  },
  {
    name: "memory_heap_small_young",
    label: "heap growth buffered / streamed, young generation capped at 1 MiB",
    of: ["memory.buffered.heapMiB", "memory.streamSmallYoung.heapMiB"],
    unit: "×",
    higher: true,
    check: false,
  },
  {
    name: "memory_rss_small_young",
    label: "RSS growth buffered / streamed, young generation capped at 1 MiB",
    of: ["memory.buffered.rssMiB", "memory.streamSmallYoung.rssMiB"],
    unit: "×",
    higher: true,
    check: false,
  },
  {
    name: "memory_live_heap",
    label: "live heap growth buffered / streamed (a full collection before each sample)",
    of: ["memory.liveBuffered.heapMiB", "memory.liveStream.heapMiB"],
    unit: "×",
    higher: true,
    target: 20,
    check: false,
  },
  {
    name: "memory_live_rss",
    label: "RSS growth buffered / streamed (a full collection before each sample)",
    of: ["memory.liveBuffered.rssMiB", "memory.liveStream.rssMiB"],
    unit: "×",
    higher: true,
    target: 11,
    check: false,
  },
  {
    name: "small_young_throughput",
    label: "per-item stream with the young generation capped / default",
    of: ["memory.streamSmallYoung.itemsPerSecond", "memory.stream.itemsPerSecond"],
    unit: "×",
    higher: true,
    check: false,
  },
  {
    name: "c10_vs_1",
    label: "10 streams / 1 stream (aggregate)",
    of: ["concurrent.10", "concurrent.1"],
    unit: "×",
    higher: true,
    check: true,
  },
  {
    name: "c50_vs_1",
    label: "50 streams / 1 stream (aggregate)",
    of: ["concurrent.50", "concurrent.1"],
    unit: "×",
    higher: true,
    target: 0.95,
    check: true,
  },
  {
    name: "c100_vs_1",
    label: "100 streams / 1 stream (aggregate)",
    of: ["concurrent.100", "concurrent.1"],
    unit: "×",
    higher: true,
    check: true,
  },
  {
    name: "c50_ttfi_p99",
    label: "TTFI p99, 50 streams starting together",
    of: "concurrent.50.ttfiP99",
    unit: "ms",
    higher: false,
    target: 100,
    check: false,
  },
  {
    name: "fair_one_ttfi_p50",
    label: "TTFI p50, 50 streams started together on one connection",
    of: "fairness.one.ttfiP50",
    unit: "ms",
    higher: false,
    check: false,
  },
  {
    name: "fair_one_ttfi_p99",
    label: "TTFI p99, 50 streams started together on one connection",
    of: "fairness.one.ttfiP99",
    unit: "ms",
    higher: false,
    target: 100,
    check: false,
  },
  {
    name: "fair_each_ttfi_p99",
    label: "TTFI p99, 50 streams started together on 50 connections",
    of: "fairness.each.ttfiP99",
    unit: "ms",
    higher: false,
    target: 100,
    check: false,
  },
  {
    // Served in turn, every stream has its first item long before the median stream is done; served
    // one after another (issue 15), first items come about when streams finish and this falls to ~1.
    name: "fair_one_done_vs_first",
    label: "one connection: median completion / first item p99",
    of: ["fairness.one.doneP50", "fairness.one.ttfiP99"],
    unit: "×",
    higher: true,
    check: true,
  },
  {
    name: "fair_each_done_vs_first",
    label: "50 connections: median completion / first item p99",
    of: ["fairness.each.doneP50", "fairness.each.ttfiP99"],
    unit: "×",
    higher: true,
    // Reported, not checked: on 50 connections the first item's p99 is the slowest of 50 connection set-ups on a
    // shared 2-core machine, and it moved 1.8–30× between repeats, a spread no bound could tell from a regression.
    check: false,
  },
  {
    name: "fair_one_vs_each",
    label: "50 streams: one connection / 50 connections (aggregate)",
    of: ["fairness.one.itemsPerSecond", "fairness.each.itemsPerSecond"],
    unit: "×",
    higher: true,
    check: true,
  },
  {
    name: "c100_rss",
    label: "server RSS, 100 streams",
    of: "concurrent.100.rssMiB",
    unit: "MiB",
    higher: false,
    target: 1024,
    check: false,
  },
  {
    name: "c1000_rss",
    label: "server RSS, 1000 streams",
    of: "concurrent.1000.rssMiB",
    unit: "MiB",
    higher: false,
    target: 1024,
    check: false,
  },
  {
    name: "slow_rss",
    label: "slow consumer (10 items/s): RSS growth",
    of: "slow.rssMiB",
    unit: "MiB",
    higher: false,
    target: 50,
    check: false,
  },
  {
    name: "rest_vs_fastify",
    label: "GetCase REST / bare Fastify route",
    of: ["unary.rest", "unary.fastify"],
    unit: "×",
    higher: true,
    target: 0.7,
    check: true,
  },
  {
    name: "grpc_vs_rest",
    label: "GetCase gRPC / REST",
    of: ["unary.grpc", "unary.rest"],
    unit: "×",
    higher: true,
    target: 1,
    check: true,
  },
  {
    name: "embedded_vs_pglite",
    label: "embedded: per-item stream / raw PGlite read",
    of: ["ect.embedded.items", "pglite.active"],
    unit: "×",
    higher: true,
    target: 0.8,
    check: true,
  },
  {
    name: "tracing_items",
    label: "per-item stream traced / always_off",
    of: ["ect.items", "ect.items.untraced"],
    unit: "×",
    higher: true,
    check: true,
  },
  {
    name: "tracing_cases",
    label: "StreamCases traced / always_off",
    of: ["ect.cases", "ect.cases.untraced"],
    unit: "×",
    higher: true,
    check: true,
  },
];

/** Absolute figures printed beside the ratios (never checked against the baseline). */
export const absoluteDefs: [string, string, string][] = [
  ["pg.cases", "raw pg read, case rows", "rows/s"],
  ["ect.cases", "ect.v1 StreamCases (batches)", "items/s"],
  ["ect.cases.untraced", "  … OTEL_TRACES_SAMPLER=always_off", "items/s"],
  ["pg.active", "raw pg read, active-case rows", "rows/s"],
  ["ect.items", "ECT GetActiveCasesStream (per item)", "items/s"],
  ["ect.items.untraced", "  … OTEL_TRACES_SAMPLER=always_off", "items/s"],
  ["connect.items", "connect-node peer (per item)", "items/s"],
  ["grpcjs.items", "grpc-js peer (per item)", "items/s"],
  ["pglite.active", "raw PGlite read, active-case rows", "rows/s"],
  ["ect.embedded.items", "ECT on PGlite, GetActiveCasesStream", "items/s"],
  ["ttfi.p50.connect.items", "TTFI p50 connect-node peer", "ms"],
  ["ttfi.p50.grpcjs.items", "TTFI p50 grpc-js peer", "ms"],
  ["concurrent.1", "1 stream", "items/s"],
  ["concurrent.10", "10 streams", "items/s"],
  ["concurrent.50", "50 streams", "items/s"],
  ["concurrent.100", "100 streams", "items/s"],
  ["concurrent.1000", "1000 streams", "items/s"],
  ["fairness.one.itemsPerSecond", "50 streams on one connection", "items/s"],
  ["fairness.one.doneP50", "  … median completion", "ms"],
  ["fairness.one.doneMax", "  … last completion", "ms"],
  ["fairness.each.itemsPerSecond", "50 streams on 50 connections", "items/s"],
  ["fairness.each.ttfiP50", "  … first item p50", "ms"],
  ["fairness.each.doneP50", "  … median completion", "ms"],
  ["fairness.each.doneMax", "  … last completion", "ms"],
  ["memory.stream.heapMiB", "heap growth, streaming", "MiB"],
  ["memory.buffered.heapMiB", "heap growth, buffered", "MiB"],
  ["memory.stream.rssMiB", "RSS growth, streaming", "MiB"],
  ["memory.buffered.rssMiB", "RSS growth, buffered", "MiB"],
  ["memory.streamSmallYoung.heapMiB", "heap growth, streaming, young generation capped", "MiB"],
  ["memory.streamSmallYoung.rssMiB", "RSS growth, streaming, young generation capped", "MiB"],
  ["memory.streamSmallYoung.itemsPerSecond", "per-item stream, young generation capped", "items/s"],
  ["unary.grpc", "GetCase gRPC", "req/s"],
  ["unary.grpc.p99", "GetCase gRPC p99", "ms"],
  ["unary.rest", "GetCase REST", "req/s"],
  ["unary.rest.p99", "GetCase REST p99", "ms"],
  ["unary.fastify", "bare Fastify GetCase", "req/s"],
  ["unary.fastify.p99", "bare Fastify GetCase p99", "ms"],
];

/** Derives every figure whose inputs were recorded. */
export function deriveFigures(values: Record<string, number[]>): Figure[] {
  const figures: Figure[] = [];
  for (const def of figureDefs) {
    let series: number[];
    if (typeof def.of === "string") {
      if (!values[def.of]) continue;
      series = values[def.of];
    } else {
      const [top, bottom] = def.of;
      if (!values[top] || !values[bottom]) continue;
      series = values[top].map((v, i) => v / Math.max(values[bottom][i], FLOOR[bottom] ?? 0));
    }
    const m = median(series);
    const met = def.target === undefined ? undefined : def.higher ? m >= def.target : m <= def.target;
    figures.push({ ...def, values: series, median: m, spread: spread(series), met });
  }
  return figures;
}
