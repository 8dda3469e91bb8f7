import type { DescMethod } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type Interceptor,
  type StreamRequest,
  type StreamResponse,
} from "@connectrpc/connect";
import { retryDelayMs } from "../resilience/backoff.js";
import { abortReason, type Clock } from "../resilience/clock.js";
import type { ClientResilienceSettings } from "../resilience/settings.js";
import type { BreakerPermit, CallOutcome, ClientCircuitBreaker } from "./circuit-breaker.js";

/** What the resilience interceptor needs besides the numbers. */
export interface ClientPolicyOptions {
  readonly settings: ClientResilienceSettings;
  readonly breaker: ClientCircuitBreaker;
  readonly clock: Clock;
  readonly random?: () => number;
  /** Extra methods safe to retry, as `package.Service/Method`. */
  readonly idempotentMethods?: readonly string[];
}

// MethodOptions_IdempotencyLevel: 1 = NO_SIDE_EFFECTS, 2 = IDEMPOTENT; kept as numbers so this
// browser file needs nothing but @connectrpc/connect.
const retrySafeLevels = new Set<number>([1, 2]);
const deadlineHeaders = ["grpc-timeout", "connect-timeout-ms"];

/** Whether repeating the call cannot apply anything twice: declared idempotency, a request id, or the caller's list. */
export function isIdempotentCall(
  method: DescMethod,
  message: unknown,
  extra: readonly string[] = [],
): boolean {
  if (retrySafeLevels.has(method.idempotency)) return true;
  if (extra.includes(`${method.parent.typeName}/${method.name}`)) return true;
  const fields = message as { requestId?: unknown; request_id?: unknown } | undefined;
  const key = fields?.requestId ?? fields?.request_id;
  return typeof key === "string" && key.length > 0;
}

/** Seconds from a `retry-after` header or trailer, in milliseconds; undefined when absent or malformed. */
export function retryAfterMs(error: ConnectError): number | undefined {
  const value = error.metadata.get("retry-after");
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value) * 1000;
}

/**
 * The client side of REQUIREMENTS §3: a whole-call timeout, retries of UNAVAILABLE (and of
 * RESOURCE_EXHAUSTED that says when to come back) for idempotent calls only, streams retried only
 * before their first message, all behind a client circuit breaker.
 */
export function resilienceInterceptor(options: ClientPolicyOptions): Interceptor {
  const { settings, breaker, clock } = options;

  /** Delay before retry `attempt`, or undefined when this error must not be retried. */
  const delayFor = (error: ConnectError, attempt: number): number | undefined => {
    if (attempt > settings.retry.maxRetries) return undefined;
    const backoff = retryDelayMs(attempt, settings.retry, options.random);
    if (error.code === Code.Unavailable) return Math.max(backoff, retryAfterMs(error) ?? 0);
    // The caller did not cancel (that is checked first), so the connection did: an instance died or
    // closed mid-call and the next attempt reconnects, through a balancer to a live instance.
    if (error.code === Code.Canceled) return backoff;
    if (error.code === Code.ResourceExhausted) {
      // Without retry-after it may be a size limit, which no retry will fix.
      const wait = retryAfterMs(error);
      return wait === undefined ? undefined : Math.max(backoff, wait);
    }
    return undefined;
  };

  /** Runs `attempt` with retries; `signal` ends the whole call (deadline or caller cancel). */
  async function withRetries<T>(
    idempotent: boolean,
    signal: AbortSignal,
    attempt: (permit: BreakerPermit) => Promise<T>,
  ): Promise<T> {
    for (let n = 1; ; n++) {
      const permit = breaker.admit();
      let outcome: CallOutcome = "success";
      try {
        return await attempt(permit);
      } catch (raw) {
        const error = signal.aborted
          ? ConnectError.from(abortReason(signal), Code.Canceled)
          : ConnectError.from(raw);
        outcome = signal.aborted ? "ignored" : error.code === Code.Unavailable ? "failure" : "success";
        const delay = idempotent && !signal.aborted ? delayFor(error, n) : undefined;
        if (delay === undefined) throw error;
        breaker.record(permit, outcome);
        outcome = "ignored";
        await clock.sleep(delay, signal).catch(() => {
          throw ConnectError.from(abortReason(signal), Code.Canceled);
        });
      } finally {
        if (outcome !== "ignored") breaker.record(permit, outcome);
      }
    }
  }

  return (next) => async (req) => {
    const ownDeadline = deadlineHeaders.some((h) => req.header.has(h));
    const controller = new AbortController();
    const forward = () => controller.abort(abortReason(req.signal));
    if (req.signal.aborted) forward();
    req.signal.addEventListener("abort", forward, { once: true });
    const stopTimer = new AbortController();
    const cleanup = () => {
      stopTimer.abort();
      req.signal.removeEventListener("abort", forward);
    };
    if (!req.stream) {
      if (!ownDeadline) {
        clock.sleep(settings.timeout.unaryMs, stopTimer.signal).then(
          () =>
            controller.abort(
              new ConnectError(`call exceeded ${settings.timeout.unaryMs} ms`, Code.DeadlineExceeded),
            ),
          () => undefined,
        );
      }
      const idempotent = isIdempotentCall(req.method, req.message, options.idempotentMethods);
      try {
        return await withRetries(idempotent, controller.signal, () =>
          next({ ...req, signal: controller.signal }),
        );
      } finally {
        cleanup();
      }
    }
    // Only a server stream's single request can be replayed; client and bidi streams are sent once.
    const replayable = req.method.methodKind === "server_streaming";
    const input = replayable ? await collect(req.message) : undefined;
    const idempotent = replayable && isIdempotentCall(req.method, input?.[0], options.idempotentMethods);
    const idle = idleTimeout(clock, settings.timeout.streamIdleMs, controller);
    try {
      const { res, first } = await withRetries(idempotent, controller.signal, async () => {
        const attemptReq: StreamRequest = {
          ...req,
          signal: controller.signal,
          message: input ? replay(input) : req.message,
        };
        const res = (await idle.around(next(attemptReq))) as StreamResponse;
        const iterator = res.message[Symbol.asyncIterator]();
        const first = await idle.around(iterator.next());
        return { res, first: { iterator, step: first } };
      });
      return { ...res, message: rest(first.iterator, first.step, idle, cleanup) };
    } catch (error) {
      idle.stop();
      cleanup();
      throw error;
    }
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* replay<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** Hands on the rest of a stream after its first message, under the idle timeout; never retried. */
async function* rest<T>(
  iterator: AsyncIterator<T>,
  first: IteratorResult<T>,
  idle: ReturnType<typeof idleTimeout>,
  cleanup: () => void,
): AsyncGenerator<T> {
  try {
    let step = first;
    while (!step.done) {
      yield step.value;
      step = await idle.around(iterator.next());
    }
  } finally {
    idle.stop();
    cleanup();
  }
}

/** Aborts the call when one wait for the server (not for the consumer) lasts longer than `idleMs`. */
function idleTimeout(clock: Clock, idleMs: number, controller: AbortController) {
  const stopper = new AbortController();
  return {
    async around<T>(pending: Promise<T>): Promise<T> {
      const done = new AbortController();
      const onStop = () => done.abort();
      stopper.signal.addEventListener("abort", onStop, { once: true });
      clock.sleep(idleMs, done.signal).then(
        () => controller.abort(new ConnectError(`stream idle for ${idleMs} ms`, Code.DeadlineExceeded)),
        () => undefined,
      );
      try {
        return await pending;
      } finally {
        done.abort();
        stopper.signal.removeEventListener("abort", onStop);
      }
    },
    stop: () => stopper.abort(),
  };
}
