import type { Interceptor } from "@connectrpc/connect";
import {
  type Attributes,
  context,
  propagation,
  type Span,
  SpanKind,
  type TextMapGetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { callerKey } from "../auth/caller-context.js";
import { PROBE_SERVICE_NAMES } from "../health/probe-services.js";
import { getCallContext } from "../telemetry/correlation.js";
import { observeStream } from "../telemetry/observe-stream.js";
import { abandonedOutcome, type RpcOutcome, rpcOutcome } from "../telemetry/rpc-outcome.js";
import { rpcProtocol, rpcSystem } from "../telemetry/rpc-protocol.js";
import { recordSpanError } from "../telemetry/span-error.js";
import { TRACER_NAME } from "../telemetry/tracing.js";

/** Services that get no spans: probes and tooling would drown the real traffic. */
export const UNTRACED_SERVICES: ReadonlySet<string> = PROBE_SERVICE_NAMES;

/** Options of createTracingInterceptor. */
export interface TracingInterceptorOptions {
  /** Default: the global tracer named "ect" (whatever provider initTracing registered). */
  tracer?: Tracer;
  /** Default UNTRACED_SERVICES. */
  untracedServices?: ReadonlySet<string>;
}

const headerGetter: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => [...carrier.keys()],
};

/**
 * Creates the SERVER span of every RPC, child of the caller's W3C traceparent (or of the active span),
 * active in the handler and in every pull of its response stream; ends it when the call or stream ends.
 */
export function createTracingInterceptor(options: TracingInterceptorOptions = {}): Interceptor {
  const tracer = options.tracer ?? trace.getTracer(TRACER_NAME);
  const untraced = options.untracedServices ?? UNTRACED_SERVICES;
  return (next) => async (req) => {
    if (untraced.has(req.service.typeName)) return next(req);
    const parent = propagation.extract(context.active(), req.header, headerGetter);
    const attributes: Attributes = {
      "rpc.system": rpcSystem(rpcProtocol(req.header)),
      "rpc.service": req.service.typeName,
      "rpc.method": req.method.name,
    };
    const correlationId = getCallContext()?.correlationId;
    if (correlationId) attributes["correlation.id"] = correlationId;
    const name = `${req.service.typeName}/${req.method.name}`;
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    const active = trace.setSpan(parent, span);
    const finish = (outcome: RpcOutcome): void => {
      const caller = req.contextValues.get(callerKey);
      if (caller) span.setAttribute("enduser.id", caller.username);
      endSpan(span, outcome);
    };
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await context.with(active, next, undefined, req);
    } catch (error) {
      finish(rpcOutcome(error));
      throw error;
    }
    if (!res.stream) {
      finish(rpcOutcome(undefined));
      return res;
    }
    const message = observeStream(res.message, {
      signal: req.signal,
      enter: (pull) => context.with(active, pull),
      end: (outcome, error) =>
        finish(outcome === "done" || outcome === "error" ? rpcOutcome(error) : abandonedOutcome(req.signal)),
    });
    return { ...res, message };
  };
}

/**
 * Ends the span with the call's code. A failure keeps its stack (paths relative) only when it is a
 * bug, INTERNAL or UNKNOWN; a refusal keeps its code and message. Semantic conventions: a server span
 * is an error only when the server is at fault.
 */
function endSpan(span: Span, outcome: RpcOutcome): void {
  span.setAttribute("rpc.grpc.status_code", outcome.code);
  if (outcome.error) recordSpanError(span, outcome.error);
  span.end();
}
