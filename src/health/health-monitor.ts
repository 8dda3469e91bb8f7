import { HealthCheckResponse_ServingStatus as ServingStatus } from "../gen/grpc/health/v1/health_pb.js";

/** The state of one check or of the whole process, best to worst. */
export type HealthStatus = "Healthy" | "Degraded" | "Unhealthy";

/** Which probes a check belongs to: liveness, readiness, or the /health/streaming view. */
export type HealthTag = "live" | "ready" | "streaming";

/** What a check reports about the thing it watches. */
export interface HealthCheckResult {
  status: HealthStatus;
  description?: string;
  data?: Record<string, unknown>;
}

/** A named probe of one dependency; `run` should stop work when `signal` aborts. */
export interface HealthCheck {
  name: string;
  tags: readonly HealthTag[];
  /**
   * A capacity check reports load, not failure (a full server is busy, not dead): its result counts as
   * Degraded at worst, even when it throws or times out, so it never turns /health or /healthz 503.
   */
  capacity?: boolean;
  run(signal: AbortSignal): Promise<HealthCheckResult>;
}

/** One check's result as reported, with how long the run took. */
export interface CheckReport extends HealthCheckResult {
  durationMs: number;
}

/** The aggregate of a set of checks: the worst status wins. */
export interface HealthReport {
  status: HealthStatus;
  totalDurationMs: number;
  checks: Record<string, CheckReport>;
}

/** A change of one check's status, or of the overall status when `name` is "". */
export interface HealthChange {
  name: string;
  status: HealthStatus;
  previous: HealthStatus | undefined;
}

/** Tuning of a HealthMonitor; every duration is in milliseconds. */
export interface HealthMonitorOptions {
  /** A check still running after this long is reported Unhealthy (default 2000). */
  timeoutMs?: number;
  /** A result is reused for this long, so probes under load do not hammer the database (default 1000). */
  cacheMs?: number;
  /** While anyone listens for changes, all checks are re-run this often (default 5000). */
  refreshMs?: number;
  /** Called with the error when a check throws; the report itself only names the error's kind. */
  onCheckError?: (name: string, error: unknown) => void;
  /** Clock, injectable for tests. */
  now?: () => number;
}

const rank: Record<HealthStatus, number> = { Healthy: 0, Degraded: 1, Unhealthy: 2 };

/** The worse of the statuses; Healthy when there are none. */
export function worstOf(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = "Healthy";
  for (const s of statuses) if (rank[s] > rank[worst]) worst = s;
  return worst;
}

/** gRPC health's view of a status: Healthy and Degraded still serve, Unhealthy does not. */
export function toServingStatus(status: HealthStatus): ServingStatus {
  return status === "Unhealthy" ? ServingStatus.NOT_SERVING : ServingStatus.SERVING;
}

interface Entry {
  readonly check: HealthCheck;
  result?: CheckReport;
  at: number;
  inflight?: Promise<CheckReport>;
}

/**
 * Runs health checks with a timeout, caches their results briefly, aggregates worst-of and
 * tells subscribers when a check's or the overall status changes.
 */
export class HealthMonitor {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(change: HealthChange) => void>();
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly refreshMs: number;
  private readonly onCheckError: (name: string, error: unknown) => void;
  private readonly now: () => number;
  private overall: HealthStatus | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(checks: readonly HealthCheck[], options: HealthMonitorOptions = {}) {
    for (const check of checks) {
      if (this.entries.has(check.name)) throw new Error(`duplicate health check "${check.name}"`);
      this.entries.set(check.name, { check, at: Number.NEGATIVE_INFINITY });
    }
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.cacheMs = options.cacheMs ?? 1000;
    this.refreshMs = options.refreshMs ?? 5000;
    this.onCheckError = options.onCheckError ?? (() => {});
    this.now = options.now ?? performance.now.bind(performance);
  }

  /** Names of all checks, in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Last known status of a check, or overall for "", without running anything. */
  lastStatus(name = ""): HealthStatus | undefined {
    return name === "" ? this.overall : this.entries.get(name)?.result?.status;
  }

  /**
   * Runs (or reuses cached results of) the checks carrying `tag`, or all checks, and aggregates them.
   * The overall status and its change events always cover every check, so a filtered report
   * refreshes only the checks it includes.
   */
  async report(tag?: HealthTag): Promise<HealthReport> {
    const started = this.now();
    const selected = [...this.entries.values()].filter(
      (e) => tag === undefined || e.check.tags.includes(tag),
    );
    const results = await Promise.all(selected.map((e) => this.run(e)));
    const checks: Record<string, CheckReport> = {};
    selected.forEach((e, i) => {
      checks[e.check.name] = results[i];
    });
    return {
      status: worstOf(results.map((r) => r.status)),
      totalDurationMs: round(this.now() - started),
      checks,
    };
  }

  /** Listens for status changes; starts the shared refresh loop while anyone listens. Returns unsubscribe. */
  subscribe(listener: (change: HealthChange) => void): () => void {
    this.listeners.add(listener);
    if (this.timer === undefined) {
      this.timer = setInterval(() => void this.report(), this.refreshMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopRefresh();
    };
  }

  /** Stops the refresh loop and drops all listeners (at shutdown). */
  close(): void {
    this.listeners.clear();
    this.stopRefresh();
  }

  private stopRefresh(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One check's report, reusing a fresh result and sharing a run already in flight. */
  private run(entry: Entry): Promise<CheckReport> {
    if (entry.result !== undefined && this.now() - entry.at < this.cacheMs)
      return Promise.resolve(entry.result);
    entry.inflight ??= this.execute(entry.check).then((result) => {
      entry.inflight = undefined;
      entry.at = this.now();
      this.record(entry, result);
      return result;
    });
    return entry.inflight;
  }

  private async execute(check: HealthCheck): Promise<CheckReport> {
    const started = this.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<HealthCheckResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error(`health check "${check.name}" timed out`));
        resolve({ status: "Unhealthy", description: `timed out after ${this.timeoutMs} ms` });
      }, this.timeoutMs);
    });
    let result: HealthCheckResult;
    try {
      result = await Promise.race([check.run(controller.signal), timeout]);
    } catch (error) {
      this.onCheckError(check.name, error);
      result = { status: "Unhealthy", description: `check failed (${errorKind(error)})` };
    } finally {
      clearTimeout(timer);
    }
    if (check.capacity && result.status === "Unhealthy") result = { ...result, status: "Degraded" };
    return { ...result, durationMs: round(this.now() - started) };
  }

  private record(entry: Entry, result: CheckReport): void {
    const previous = entry.result?.status;
    entry.result = result;
    if (previous !== result.status) this.emit({ name: entry.check.name, status: result.status, previous });
    // Unrun checks do not count yet: the overall status is first known once every check has reported.
    const statuses = [...this.entries.values()].map((e) => e.result?.status);
    if (statuses.some((s) => s === undefined)) return;
    const overall = worstOf(statuses as HealthStatus[]);
    if (overall !== this.overall) {
      const before = this.overall;
      this.overall = overall;
      this.emit({ name: "", status: overall, previous: before });
    }
  }

  private emit(change: HealthChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function errorKind(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.name;
  return typeof error;
}
