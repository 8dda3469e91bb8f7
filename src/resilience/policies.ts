import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  CircuitState,
  circuitBreaker,
  handleWhen,
  type IBackoff,
  type IPolicy,
  type IRetryBackoffContext,
  retry,
  SamplingBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import { cancelled, deadlineExceeded, resourceExhausted, sqlStateOf, unavailable } from "../errors.js";
import { retryDelayMs } from "./backoff.js";
import { abortReason } from "./clock.js";
import { Emitter, type Subscribe } from "./events.js";
import type { ResilienceSettings } from "./settings.js";
import { isTransientError } from "./transient-errors.js";
import { untilStarted } from "./until-started.js";

/** Circuit state as health reports it: closed = Healthy, half-open = Degraded, open = Unhealthy. */
export type BreakerState = "closed" | "half-open" | "open";

/** Which guard turned a call away before it reached the database. */
export type RejectionKind = "circuit-open" | "bulkhead";

/** A transient failure is about to be retried after `delayMs`. */
export interface RetryEvent {
  readonly attempt: number;
  readonly delayMs: number;
  readonly method: string;
  readonly error: unknown;
}

/** How one unary call may be treated. */
export interface UnaryOptions {
  /** Retry only work that is safe to repeat (a read, or a write with an idempotency key). */
  readonly idempotent: boolean;
  /** Name for events and logs, e.g. the RPC or query name. */
  readonly method?: string;
  /** The caller's signal (client cancel or RPC deadline); aborting it cancels the query. */
  readonly signal?: AbortSignal;
  /**
   * A page of a server stream: the stream limits already admitted the stream, and one granted a slot
   * must not be turned away half-way by the unary bulkhead (the pool queues it); and a stream is cut
   * only after the stream idle timeout without progress, not the unary timeout.
   */
  readonly streamPage?: boolean;
  /**
   * The work's own time limit in place of the unary timeout, for work whose length its caller paces: a
   * document upload's transaction lasts as long as the client takes to send the file.
   */
  readonly timeoutMs?: number;
}

/** Injectable randomness for tests; listeners subscribe through the policies' `onX` methods. */
export interface PolicyOptions {
  /** Jitter source; defaults to Math.random. */
  random?: () => number;
}

/** The database policies: timeout → retry → circuit breaker → bulkhead, with their events. */
export interface DatabasePolicies {
  /** Runs database work under every policy; failures come out as ConnectErrors (bad input unchanged). */
  unary<T>(fn: (signal: AbortSignal) => Promise<T>, options: UnaryOptions): Promise<T>;
  /** Current circuit state; an open circuit whose break has elapsed reports half-open (the next call is a trial). */
  breakerState(): BreakerState;
  /** Free execution and queue slots of the bulkhead. */
  bulkheadSlots(): { readonly execution: number; readonly queue: number };
  /** A transient failure is about to be retried. */
  readonly onRetry: Subscribe<RetryEvent>;
  /** The circuit moved (closed → open → half-open → closed or open again). */
  readonly onStateChange: Subscribe<BreakerState>;
  /** A call ran out of time (ours or the server's statement_timeout); the event names the method. */
  readonly onTimeout: Subscribe<string>;
  /** The open circuit or the full bulkhead turned a call away before it reached the database. */
  readonly onRejected: Subscribe<{ readonly kind: RejectionKind; readonly method: string }>;
}

/**
 * Builds the breaker, bulkhead, timeouts and retry once, and from them the four chains a call can
 * take (idempotent or not × unary or stream page); a call only picks its chain.
 */
export function createDatabasePolicies(
  settings: ResilienceSettings,
  options: PolicyOptions = {},
): DatabasePolicies {
  const random = options.random ?? Math.random;
  const events = {
    retry: new Emitter<RetryEvent>(),
    state: new Emitter<BreakerState>(),
    timeout: new Emitter<string>(),
    rejected: new Emitter<{ kind: RejectionKind; method: string }>(),
  };

  const { breaker: b } = settings;
  // Like Polly, the breaker counts a timed-out attempt as a failure: a database that hangs must open
  // the circuit, or every call waits out its whole timeout. Caller cancels and bad input do not count.
  const failed = handleWhen((error) => isTransientError(error) || error instanceof AttemptTimedOut);
  const breaker = circuitBreaker(failed, {
    halfOpenAfter: b.breakDurationMs,
    breaker: new SamplingBreaker({
      // cockatiel opens on failures > threshold·total; shaving a hair off gives Polly's "≥ ratio".
      threshold: b.failureRatio - 1e-9,
      duration: b.samplingWindowMs,
      // cockatiel ignores the window while total < duration·rps; half a call of slack keeps
      // "at least minimumThroughput calls" exact despite floating point.
      minimumRps: (b.minimumThroughput - 0.5) / (b.samplingWindowMs / 1000),
    }),
  });
  let openedAt = 0;
  breaker.onBreak(() => {
    openedAt = Date.now();
  });
  breaker.onStateChange((state) => events.state.emit(toBreakerState(state)));
  const bulk = bulkhead(settings.bulkhead.maxConcurrent, settings.bulkhead.maxQueue);
  const unaryTimeout = timeout(settings.timeout.unaryMs, TimeoutStrategy.Cooperative);
  const streamPageTimeout = timeout(settings.timeout.streamIdleMs, TimeoutStrategy.Cooperative);

  // One retry policy shared by every call; the method its events name travels with the failed
  // attempt's error, so concurrent calls cannot mislabel each other.
  const methodOfFailure = new WeakMap<object, string>();
  const backoffAt = (attempt: number): IBackoff<IRetryBackoffContext<unknown>> => ({
    duration: retryDelayMs(attempt, settings.retry, random),
    next: () => backoffAt(attempt + 1),
  });
  const retrying =
    settings.retry.maxRetries > 0
      ? retry(handleWhen(isTransientError), {
          maxAttempts: settings.retry.maxRetries,
          backoff: { next: () => backoffAt(1) },
        })
      : undefined;
  retrying?.onRetry((event) => {
    const error = "error" in event ? event.error : undefined;
    const method = (error !== null && typeof error === "object" && methodOfFailure.get(error)) || "db";
    events.retry.emit({ attempt: event.attempt, delayMs: event.delay, method, error });
  });
  // A stream page skips the bulkhead: the stream limits admitted the stream, and a stream granted a
  // slot must not be turned away half-way (the pool queues its page instead).
  const unaryOnce = wrap(breaker, bulk);
  const chains = {
    unary: { once: unaryOnce, idempotent: retrying ? wrap(retrying, unaryOnce) : unaryOnce },
    streamPage: { once: breaker, idempotent: retrying ? wrap(retrying, breaker) : breaker },
  } satisfies Record<string, Record<string, IPolicy>>;

  const breakerState = (): BreakerState => {
    const state = toBreakerState(breaker.state);
    if (
      state === "open" &&
      breaker.state === CircuitState.Open &&
      Date.now() - openedAt >= b.breakDurationMs
    ) {
      return "half-open";
    }
    return state;
  };

  /** Turns a policy outcome into the ConnectError the client sees; bad input passes through untouched. */
  const classify = (error: unknown, method: string, timedOutAfterMs: number | undefined): unknown => {
    if (timedOutAfterMs !== undefined) {
      events.timeout.emit(method);
      return deadlineExceeded(`database work exceeded ${timedOutAfterMs} ms`, error);
    }
    if (error instanceof AttemptTimedOut) {
      events.timeout.emit(method);
      return deadlineExceeded("database statement timed out", error.cause);
    }
    if (error instanceof BrokenCircuitError) {
      events.rejected.emit({ kind: "circuit-open", method });
      const remaining = Math.max(0, openedAt + b.breakDurationMs - Date.now());
      return unavailable("database unavailable: circuit open", error, remaining);
    }
    if (error instanceof BulkheadRejectedError) {
      events.rejected.emit({ kind: "bulkhead", method });
      return resourceExhausted("database busy: too many concurrent queries", 1_000);
    }
    if (error instanceof TaskCancelledError) return cancelled(error);
    if (isTransientError(error)) return unavailable("database unavailable", error);
    return error;
  };

  async function unary<T>(fn: (signal: AbortSignal) => Promise<T>, options: UnaryOptions): Promise<T> {
    const method = options.method ?? "db";
    const kind = options.streamPage ? chains.streamPage : chains.unary;
    const chain = options.idempotent ? kind.idempotent : kind.once;
    const limit =
      options.timeoutMs !== undefined
        ? timeout(options.timeoutMs, TimeoutStrategy.Cooperative)
        : options.streamPage
          ? streamPageTimeout
          : unaryTimeout;
    const callerSignal = options.signal;
    let timedOut = false;
    try {
      return await limit.execute(({ signal }) => {
        const started = { running: 0 };
        const work = chain.execute(async ({ signal: inner }) => {
          started.running++;
          try {
            return await fn(inner);
          } catch (error) {
            // Tell the breaker this attempt ran out of time (ours or the server's statement_timeout).
            const ranOut = !callerSignal?.aborted && (inner.aborted || sqlStateOf(error) === "57014");
            const failure = ranOut ? new AttemptTimedOut(error) : error;
            if (failure !== null && typeof failure === "object") methodOfFailure.set(failure, method);
            throw failure;
          } finally {
            started.running--;
          }
        }, signal);
        return untilStarted(work, signal, started).catch((error) => {
          timedOut = signal.aborted && !callerSignal?.aborted;
          throw error;
        });
      }, callerSignal);
    } catch (error) {
      if (callerSignal?.aborted) throw cancelled(abortReason(callerSignal));
      const timeoutMs =
        options.timeoutMs ?? (options.streamPage ? settings.timeout.streamIdleMs : settings.timeout.unaryMs);
      throw classify(error, method, timedOut ? timeoutMs : undefined);
    }
  }

  return {
    unary,
    breakerState,
    bulkheadSlots: () => ({ execution: bulk.executionSlots, queue: bulk.queueSlots }),
    onRetry: events.retry.subscribe,
    onStateChange: events.state.subscribe,
    onTimeout: events.timeout.subscribe,
    onRejected: events.rejected.subscribe,
  };
}

/** An attempt cut by a timeout; counted by the breaker, never retried, reported as DEADLINE_EXCEEDED. */
class AttemptTimedOut extends Error {
  constructor(cause: unknown) {
    super("database attempt timed out", { cause });
  }
}

function toBreakerState(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return "closed";
  if (state === CircuitState.HalfOpen) return "half-open";
  return "open";
}
