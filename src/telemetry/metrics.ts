import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Connection counts the database layer reports (matches the Db port's PoolStats). */
export interface PoolConnections {
  total: number;
  idle: number;
  waiting: number;
}

/** Circuit breaker states as the ect_circuit_state gauge encodes them. */
export const CIRCUIT_STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

/** Why a call was turned away before it ran. */
export type RejectionKind = "bulkhead" | "rate_limit" | "stream_limit" | "circuit_open";

/** The server's Prometheus metrics, on their own registry (never prom-client's global one). */
export interface EctMetrics {
  readonly registry: Registry;
  /** Seconds from call start to the unary reply or the end of the stream. */
  readonly rpcDuration: Histogram<"method" | "code" | "protocol">;
  readonly streamItems: Counter<"method">;
  readonly activeStreams: Gauge;
  readonly streamFirstItem: Histogram<"method">;
  readonly dbQueryDuration: Histogram<"operation">;
  readonly dbPoolConnections: Gauge<"state">;
  /** 0 closed, 1 half-open, 2 open (see CIRCUIT_STATE). */
  readonly circuitState: Gauge<"dependency">;
  readonly retries: Counter<"dependency">;
  readonly timeouts: Counter<"dependency">;
  readonly rejections: Counter<"kind">;
  /** The database layer registers how to read its pool; read on every scrape. */
  setPoolSource(source: () => PoolConnections): void;
}

/** Options of createMetrics. */
export interface MetricsOptions {
  /** Also collect prom-client's default process metrics (CPU, memory, event loop, GC); default true. */
  processMetrics?: boolean;
}

const FAST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CALL_BUCKETS = [...FAST_BUCKETS, 30, 60, 300];

/** Creates a fresh registry holding every ECT metric. */
export function createMetrics(options: MetricsOptions = {}): EctMetrics {
  const registry = new Registry();
  const registers = [registry];
  let poolSource: (() => PoolConnections) | undefined;
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    rpcDuration: new Histogram({
      name: "ect_rpc_duration_seconds",
      help: "RPC duration from call start to the unary reply or the end of the stream.",
      labelNames: ["method", "code", "protocol"],
      buckets: CALL_BUCKETS,
      registers,
    }),
    streamItems: new Counter({
      name: "ect_stream_items_total",
      help: "Items sent on server streams (a batch counts its items when the service reports them).",
      labelNames: ["method"],
      registers,
    }),
    activeStreams: new Gauge({
      name: "ect_active_streams",
      help: "Server streams currently open.",
      registers,
    }),
    streamFirstItem: new Histogram({
      name: "ect_stream_first_item_seconds",
      help: "Seconds from call start to the first streamed message.",
      labelNames: ["method"],
      buckets: FAST_BUCKETS,
      registers,
    }),
    dbQueryDuration: new Histogram({
      name: "ect_db_query_duration_seconds",
      help: "Database statement duration.",
      labelNames: ["operation"],
      buckets: FAST_BUCKETS,
      registers,
    }),
    dbPoolConnections: new Gauge({
      name: "ect_db_pool_connections",
      help: "Database pool connections by state (total, idle, active, waiting clients).",
      labelNames: ["state"],
      registers,
      collect() {
        if (!poolSource) return;
        const pool = poolSource();
        this.set({ state: "total" }, pool.total);
        this.set({ state: "idle" }, pool.idle);
        this.set({ state: "active" }, pool.total - pool.idle);
        this.set({ state: "waiting" }, pool.waiting);
      },
    }),
    circuitState: new Gauge({
      name: "ect_circuit_state",
      help: "Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open.",
      labelNames: ["dependency"],
      registers,
    }),
    retries: new Counter({
      name: "ect_retries_total",
      help: "Retries made by the resilience policies.",
      labelNames: ["dependency"],
      registers,
    }),
    timeouts: new Counter({
      name: "ect_timeouts_total",
      help: "Operations cut off by a timeout policy.",
      labelNames: ["dependency"],
      registers,
    }),
    rejections: new Counter({
      name: "ect_rejections_total",
      help: "Calls turned away by a bulkhead, rate limit or stream limit.",
      labelNames: ["kind"],
      registers,
    }),
    setPoolSource(source) {
      poolSource = source;
    },
  };
}
