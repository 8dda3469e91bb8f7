import type { Interceptor } from "@connectrpc/connect";
import { type Clock, systemClock } from "../resilience/clock.js";
import type { Subscribe } from "../resilience/events.js";
import { type ClientResilienceSettings, defaultResilienceSettings } from "../resilience/settings.js";
import { type ClientBreakerState, ClientCircuitBreaker } from "./circuit-breaker.js";
import { type CorrelationTracker, correlationInterceptor } from "./correlation.js";
import { resilienceInterceptor } from "./resilience-interceptor.js";

// Imports only @connectrpc/connect and plain modules, so the browser bundle can share it.

/** Wire protocol of a transport; browsers can speak only grpc-web and connect. */
export type EctProtocol = "grpc" | "grpc-web" | "connect";

/** Options of `createEctTransport`, the same in Node and the browser. */
export interface EctTransportOptions {
  readonly baseUrl: string;
  readonly protocol: EctProtocol;
  /** Current bearer token, read on every call so a refreshed token is picked up. */
  readonly token?: () => string | undefined | Promise<string | undefined>;
  /** Client-side policy numbers; defaults to the server's (REQUIREMENTS §3). */
  readonly settings?: ClientResilienceSettings;
  /** Extra methods safe to retry, as `package.Service/Method`. */
  readonly idempotentMethods?: readonly string[];
  /** Correlation id to send when the call sets none (e.g. one per UI action); else one per call. */
  readonly correlationId?: () => string | undefined;
  /** Interceptors to run inside ours (after correlation, auth and retries). */
  readonly interceptors?: readonly Interceptor[];
  /** For tests: time and jitter. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** What a transport adds beyond connect's Transport: the last correlation id and the breaker state. */
export interface EctClientRuntime {
  readonly correlation: CorrelationTracker;
  breakerState(): ClientBreakerState;
  readonly onBreakerStateChange: Subscribe<ClientBreakerState>;
}

/** Sends `authorization: Bearer <token>` unless the call set its own. */
export function bearerInterceptor(
  token: () => string | undefined | Promise<string | undefined>,
): Interceptor {
  return (next) => async (req) => {
    if (!req.header.has("authorization")) {
      const value = await token();
      if (value) req.header.set("authorization", `Bearer ${value}`);
    }
    return next(req);
  };
}

/** The interceptor chain every ECT transport uses, outermost first: correlation → bearer → policies → extras. */
export function createEctInterceptors(options: EctTransportOptions): {
  interceptors: Interceptor[];
  runtime: EctClientRuntime;
} {
  const settings = options.settings ?? defaultResilienceSettings;
  const clock = options.clock ?? systemClock;
  const breaker = new ClientCircuitBreaker(settings.breaker, clock);
  const correlation = correlationInterceptor(options.correlationId);
  const interceptors: Interceptor[] = [correlation.interceptor];
  if (options.token) interceptors.push(bearerInterceptor(options.token));
  interceptors.push(
    resilienceInterceptor({
      settings,
      breaker,
      clock,
      random: options.random,
      idempotentMethods: options.idempotentMethods,
    }),
    ...(options.interceptors ?? []),
  );
  return {
    interceptors,
    runtime: {
      correlation: correlation.tracker,
      breakerState: () => breaker.current(),
      onBreakerStateChange: breaker.onStateChange,
    },
  };
}
