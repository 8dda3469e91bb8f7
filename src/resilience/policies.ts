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
import { cancelled, deadlineExceeded, resourceExhausted, unavailable } from "../errors.js";
import { retryDelayMs } from "./backoff.js";
import { abortReason, type Clock, systemClock } from "./clock.js";
import { Emitter, type Subscribe } from "./events.js";
import { IdleWatch } from "./idle-watch.js";
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
}

/** How one stream may be treated; streams default to idempotent because they read. */
export interface StreamOptions {
  readonly idempotent?: boolean;
  readonly method?: string;
  readonly signal?: AbortSignal;
}

/** Optional listeners wired at creation, and injectable randomness and time for tests. */
export interface PolicyHooks {
  onRetry?(event: RetryEvent): void;
  onBreak?(error: unknown): void;
  onHalfOpen?(): void;
  onReset?(): void;
  onTimeout?(method: string): void;
  onRejected?(kind: RejectionKind, method: string): void;
  /** Jitter source; defaults to Math.random. */
  random?: () => number;
  /** Clock for the stream idle timer; cockatiel's own timers stay on the real clock. */
  clock?: Clock;
}

/** The database policies: timeout → retry → circuit breaker → bulkhead, with their events. */
export interface DatabasePolicies {
  /** Runs unary database work under every policy; failures come out as ConnectErrors (bad input unchanged). */
  unary<T>(fn: (signal: AbortSignal) => Promise<T>, options: UnaryOptions): Promise<T>;
  /** Wraps a database stream: idle timeout, breaker and bulkhead until the first item, retry only before it. */
  stream<T>(open: (signal: AbortSignal) => AsyncIterable<T>, options?: StreamOptions): AsyncIterable<T>;
  /** Current circuit state; an open circuit whose break has elapsed reports half-open (the next call is a trial). */
  breakerState(): BreakerState;
  /** Free execution and queue slots of the bulkhead. */
  bulkheadSlots(): { readonly execution: number; readonly queue: number };
  readonly onRetry: Subscribe<RetryEvent>;
  readonly onBreak: Subscribe<unknown>;
  readonly onHalfOpen: Subscribe<void>;
  readonly onReset: Subscribe<void>;
  readonly onStateChange: Subscribe<BreakerState>;
  readonly onTimeout: Subscribe<string>;
  readonly onRejected: Subscribe<{ readonly kind: RejectionKind; readonly method: string }>;
}

interface Outcome {
  readonly method: string;
  readonly timedOut: boolean;
  readonly timeoutMs: number;
  readonly callerSignal?: AbortSignal;
}

/** Builds the shared breaker and bulkhead once; every call composes them with a timeout and, if idempotent, a retry. */
export function createDatabasePolicies(
  settings: ResilienceSettings,
  hooks: PolicyHooks = {},
): DatabasePolicies {
  const random = hooks.random ?? Math.random;
  const clock = hooks.clock ?? systemClock;
  const events = {
    retry: new Emitter<RetryEvent>(),
    brk: new Emitter<unknown>(),
    halfOpen: new Emitter<void>(),
    reset: new Emitter<void>(),
    state: new Emitter<BreakerState>(),
    timeout: new Emitter<string>(),
    rejected: new Emitter<{ kind: RejectionKind; method: string }>(),
  };
  if (hooks.onRetry) events.retry.subscribe(hooks.onRetry);
  if (hooks.onBreak) events.brk.subscribe(hooks.onBreak);
  if (hooks.onHalfOpen) events.halfOpen.subscribe(hooks.onHalfOpen);
  if (hooks.onReset) events.reset.subscribe(hooks.onReset);
  if (hooks.onTimeout) events.timeout.subscribe(hooks.onTimeout);
  if (hooks.onRejected) events.rejected.subscribe(({ kind, method }) => hooks.onRejected?.(kind, method));

  const { breaker: b } = settings;
  const transient = handleWhen(isTransientError);
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
  breaker.onBreak((reason) => {
    openedAt = Date.now();
    events.brk.emit("error" in reason ? reason.error : reason);
  });
  breaker.onHalfOpen(() => events.halfOpen.emit());
  breaker.onReset(() => events.reset.emit());
  breaker.onStateChange((state) => events.state.emit(toBreakerState(state)));
  const bulk = bulkhead(settings.bulkhead.maxConcurrent, settings.bulkhead.maxQueue);
  const unaryTimeout = timeout(settings.timeout.unaryMs, TimeoutStrategy.Cooperative);
  const streamPageTimeout = timeout(settings.timeout.streamIdleMs, TimeoutStrategy.Cooperative);
  const guarded = wrap(breaker, bulk);

  const backoffAt = (attempt: number): IBackoff<IRetryBackoffContext<unknown>> => ({
    duration: retryDelayMs(attempt, settings.retry, random),
    next: () => backoffAt(attempt + 1),
  });
  /** A retry policy per call, so its events can name the method. */
  const chainFor = (idempotent: boolean, method: string, bulkheaded = true): IPolicy => {
    const inner = bulkheaded ? guarded : breaker;
    if (!idempotent || settings.retry.maxRetries <= 0) return inner;
    const policy = retry(transient, {
      maxAttempts: settings.retry.maxRetries,
      backoff: { next: () => backoffAt(1) },
    });
    policy.onRetry((event) => {
      const error = "error" in event ? event.error : undefined;
      events.retry.emit({ attempt: event.attempt, delayMs: event.delay, method, error });
    });
    return bulkheaded ? wrap(policy, breaker, bulk) : wrap(policy, breaker);
  };

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
  const classify = (error: unknown, outcome: Outcome): unknown => {
    if (outcome.callerSignal?.aborted) return cancelled(abortReason(outcome.callerSignal));
    if (outcome.timedOut) {
      events.timeout.emit(outcome.method);
      return deadlineExceeded(`database work exceeded ${outcome.timeoutMs} ms`, error);
    }
    if (error instanceof AttemptTimedOut) {
      events.timeout.emit(outcome.method);
      return deadlineExceeded("database statement timed out", error.cause);
    }
    if (error instanceof BrokenCircuitError) {
      events.rejected.emit({ kind: "circuit-open", method: outcome.method });
      const remaining = Math.max(0, openedAt + b.breakDurationMs - Date.now());
      return unavailable("database unavailable: circuit open", error, remaining);
    }
    if (error instanceof BulkheadRejectedError) {
      events.rejected.emit({ kind: "bulkhead", method: outcome.method });
      return resourceExhausted("database busy: too many concurrent queries", 1_000);
    }
    if (error instanceof TaskCancelledError) return cancelled(error);
    if (isTransientError(error)) return unavailable("database unavailable", error);
    return error;
  };

  async function unary<T>(fn: (signal: AbortSignal) => Promise<T>, options: UnaryOptions): Promise<T> {
    const method = options.method ?? "db";
    const streamPage = options.streamPage ?? false;
    const chain = chainFor(options.idempotent, method, !streamPage);
    let timedOut = false;
    try {
      return await (streamPage ? streamPageTimeout : unaryTimeout).execute(({ signal }) => {
        const started = { running: 0 };
        const work = chain.execute(async ({ signal: inner }) => {
          started.running++;
          try {
            return await fn(inner);
          } catch (error) {
            // Tell the breaker this attempt ran out of time (ours or the server's statement_timeout).
            const ranOut = !options.signal?.aborted && (inner.aborted || sqlStateOf(error) === "57014");
            throw ranOut ? new AttemptTimedOut(error) : error;
          } finally {
            started.running--;
          }
        }, signal);
        return untilStarted(work, signal, started).catch((error) => {
          timedOut = signal.aborted && !options.signal?.aborted;
          throw error;
        });
      }, options.signal);
    } catch (error) {
      throw classify(error, {
        method,
        timedOut,
        timeoutMs: streamPage ? settings.timeout.streamIdleMs : settings.timeout.unaryMs,
        callerSignal: options.signal,
      });
    }
  }

  async function* stream<T>(open: (signal: AbortSignal) => AsyncIterable<T>, options: StreamOptions = {}) {
    const method = options.method ?? "db";
    const chain = chainFor(options.idempotent ?? true, method);
    const controller = new AbortController();
    const callerSignal = options.signal;
    const onCallerAbort = () => controller.abort(abortReason(callerSignal!));
    callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
    const idle = new IdleWatch(clock, settings.timeout.streamIdleMs, () =>
      controller.abort(new TaskCancelledError()),
    );
    const outcome = (): Outcome => ({
      method,
      timedOut: idle.fired,
      timeoutMs: settings.timeout.streamIdleMs,
      callerSignal,
    });
    let iterator: AsyncIterator<T> | undefined;
    try {
      let step: IteratorResult<T>;
      idle.pulling(true);
      try {
        const started = { running: 0 };
        const work = chain.execute(async () => {
          started.running++;
          try {
            // A retry reopens the stream; the failed attempt is closed first so it frees its connection.
            await iterator?.return?.();
            iterator = open(controller.signal)[Symbol.asyncIterator]();
            return await iterator.next();
          } finally {
            started.running--;
          }
        }, controller.signal);
        step = await untilStarted(work, controller.signal, started);
      } catch (error) {
        throw classify(error, outcome());
      } finally {
        idle.pulling(false);
      }
      while (!step.done) {
        yield step.value;
        idle.pulling(true);
        try {
          step = await iterator!.next();
        } catch (error) {
          throw classify(error, outcome());
        } finally {
          idle.pulling(false);
        }
      }
    } finally {
      idle.stop();
      callerSignal?.removeEventListener("abort", onCallerAbort);
      // Whatever ended the stream (done, error, consumer break), stop the database read.
      controller.abort();
      await iterator?.return?.()?.catch(() => undefined);
    }
  }

  return {
    unary,
    stream: (open, options) => stream(open, options),
    breakerState,
    bulkheadSlots: () => ({ execution: bulk.executionSlots, queue: bulk.queueSlots }),
    onRetry: events.retry.subscribe,
    onBreak: events.brk.subscribe,
    onHalfOpen: events.halfOpen.subscribe,
    onReset: events.reset.subscribe,
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

function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function toBreakerState(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return "closed";
  if (state === CircuitState.HalfOpen) return "half-open";
  return "open";
}
