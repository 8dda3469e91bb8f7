import { type Tracer, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { TraceStore, type TraceStoreOptions } from "./trace-store.js";

/** Environment variables tracing reads: the standard OTEL_* ones, plus ECT_PROFILE for the default ratio. */
export type TracingEnv = Record<string, string | undefined>;

/** Options of initTracing; anything not given comes from the environment. */
export interface TracingOptions {
  /** Default process.env. */
  env?: TracingEnv;
  traceStore?: TraceStoreOptions;
  /** Extra processors (tests add an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
}

/** The tracing set-up of this process. */
export interface Tracing {
  readonly provider: NodeTracerProvider;
  /** Recent finished spans, for the trace search API and the OTLP/JSON receiver. */
  readonly store: TraceStore;
  readonly tracer: Tracer;
  /** Where spans are exported, or undefined when only the in-memory store keeps them. */
  readonly otlpUrl: string | undefined;
  /** Flushes the exporter and stops tracing; call once on shutdown. */
  shutdown(): Promise<void>;
}

/** Instrumentation scope of ECT's own spans. */
export const TRACER_NAME = "ect";

const DEFAULT_SERVICE_NAME = "ect";
// Kept on globalThis so a second copy of this module (another loader) still finds the one set-up.
const KEY = Symbol.for("ect.tracing");
const holder = globalThis as { [KEY]?: Tracing };

/**
 * Registers the tracer provider, W3C trace-context propagator and AsyncLocalStorage context manager.
 * Idempotent: later calls return the first set-up (and ignore their options), so the preload and the
 * server can both call it.
 */
export function initTracing(options: TracingOptions = {}): Tracing {
  const existing = holder[KEY];
  if (existing) return existing;
  const env = options.env ?? process.env;
  const store = new TraceStore(options.traceStore);
  const otlpUrl = otlpTracesUrl(env);
  const spanProcessors: SpanProcessor[] = [store, ...(options.spanProcessors ?? [])];
  if (otlpUrl) spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpUrl })));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      ...resourceAttributesFromEnv(env),
      "service.name": env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
    }),
    sampler: samplerFromEnv(env),
    spanProcessors,
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const tracing: Tracing = {
    provider,
    store,
    tracer: trace.getTracer(TRACER_NAME),
    otlpUrl,
    async shutdown() {
      await provider.shutdown();
    },
  };
  holder[KEY] = tracing;
  return tracing;
}

/** The tracing set-up, if initTracing has run. */
export function getTracing(): Tracing | undefined {
  return holder[KEY];
}

/**
 * The sampler OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG name; unset means parent-based with a
 * ratio of 1.0, or 0.1 in the production profile (ECT_PROFILE=production).
 */
export function samplerFromEnv(env: TracingEnv): Sampler {
  const production = env.ECT_PROFILE === "production";
  const name =
    env.OTEL_TRACES_SAMPLER?.trim() || (production ? "parentbased_traceidratio" : "parentbased_always_on");
  const ratio = samplerRatio(env.OTEL_TRACES_SAMPLER_ARG, production ? 0.1 : 1.0);
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    default:
      throw new Error(`OTEL_TRACES_SAMPLER "${name}" is not supported`);
  }
}

function samplerRatio(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got "${raw}"`);
  }
  return ratio;
}

/** The OTLP/HTTP traces URL from OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT. */
export function otlpTracesUrl(env: TracingEnv): string | undefined {
  if (env.OTEL_TRACES_EXPORTER?.trim() === "none") return undefined;
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (tracesEndpoint) return tracesEndpoint;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return endpoint ? `${endpoint.replace(/\/+$/, "")}/v1/traces` : undefined;
}

/** OTEL_RESOURCE_ATTRIBUTES: comma-separated key=value pairs, values percent-encoded. */
function resourceAttributesFromEnv(env: TracingEnv): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    try {
      attributes[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // A malformed pair is skipped, as the specification asks.
    }
  }
  return attributes;
}
