import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { context, propagation, trace } from "@opentelemetry/api";
import { getTracing, initTracing, otlpTracesUrl, samplerFromEnv } from "./tracing.js";

describe("tracing set-up", () => {
  it("samples everything by default and 10% in the production profile", () => {
    assert.equal(
      samplerFromEnv({}).toString(),
      "ParentBased{root=AlwaysOnSampler, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}",
    );
    assert.match(samplerFromEnv({ ECT_PROFILE: "production" }).toString(), /root=TraceIdRatioBased\{0\.1\}/);
  });

  it("honours OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG", () => {
    const env = { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" };
    assert.equal(samplerFromEnv(env).toString(), "TraceIdRatioBased{0.25}");
    assert.equal(samplerFromEnv({ OTEL_TRACES_SAMPLER: "always_off" }).toString(), "AlwaysOffSampler");
    assert.throws(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: "sometimes" }), /OTEL_TRACES_SAMPLER/);
    assert.throws(
      () => samplerFromEnv({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "2" }),
      /OTEL_TRACES_SAMPLER_ARG/,
    );
  });

  it("exports over OTLP/HTTP only when an endpoint is set", () => {
    assert.equal(otlpTracesUrl({}), undefined);
    assert.equal(
      otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }),
      "http://collector:4318/v1/traces",
    );
    assert.equal(
      otlpTracesUrl({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/custom",
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://x",
      }),
      "http://c:4318/custom",
    );
    assert.equal(
      otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x", OTEL_TRACES_EXPORTER: "none" }),
      undefined,
    );
  });

  it("registers once, with W3C propagation and async context, and returns the same set-up after", async () => {
    assert.equal(getTracing(), undefined);
    const first = initTracing({ env: { OTEL_SERVICE_NAME: "ect-test" } });
    assert.equal(initTracing({ env: { OTEL_SERVICE_NAME: "other" } }), first);
    assert.equal(getTracing(), first);
    assert.equal(first.otlpUrl, undefined);

    const span = first.tracer.startSpan("outer");
    await context.with(trace.setSpan(context.active(), span), async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      assert.equal(trace.getActiveSpan(), span, "the active span survives an await");
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      assert.match(
        carrier.traceparent,
        new RegExp(`^00-${span.spanContext().traceId}-${span.spanContext().spanId}-01$`),
      );
    });
    span.end();
    const stored = first.store.get(span.spanContext().traceId);
    assert.equal(stored?.spans[0].serviceName, "ect-test");
    await first.shutdown();
  });
});
