import type { Interceptor } from "@connectrpc/connect";
import { trace } from "@opentelemetry/api";
import type { Logger } from "pino";
import { callerKey } from "../auth/caller-context.js";
import { itemCount } from "../streams/item-count.js";
import { getCallContext } from "../telemetry/correlation.js";
import type { EctMetrics } from "../telemetry/metrics.js";
import { observeStream } from "../telemetry/observe-stream.js";
import { abandonedOutcome, type RpcOutcome, rpcOutcome } from "../telemetry/rpc-outcome.js";
import { rpcProtocol } from "../telemetry/rpc-protocol.js";
import { UNTRACED_SERVICES } from "./tracing.js";

/** Options of createMetricsAndLogInterceptor. */
export interface MetricsAndLogOptions {
  metrics: EctMetrics;
  logger: Logger;
  /** Services whose calls are measured but not logged (probes); default: health and reflection. */
  quietServices?: ReadonlySet<string>;
}

/**
 * Records RPC duration and code, stream items, time to first item and open streams, and writes one
 * audit log line per call when it ends. Place it after tracing and before auth, so calls that auth or
 * the limits reject are counted and logged too.
 */
export function createMetricsAndLogInterceptor(options: MetricsAndLogOptions): Interceptor {
  const { metrics, logger } = options;
  const quiet = options.quietServices ?? UNTRACED_SERVICES;
  return (next) => async (req) => {
    const started = performance.now();
    const method = `${req.service.typeName}/${req.method.name}`;
    const protocol = rpcProtocol(req.header);
    const call = getCallContext();
    const spanContext = trace.getActiveSpan()?.spanContext();
    const finish = (outcome: RpcOutcome, items?: number): void => {
      const ms = performance.now() - started;
      metrics.rpcDuration.observe({ method, code: outcome.name, protocol }, ms / 1000);
      if (quiet.has(req.service.typeName)) return;
      const caller = req.contextValues.get(callerKey);
      const line: Record<string, unknown> = {
        correlationId: call?.correlationId,
        traceId: spanContext?.traceId,
        spanId: spanContext?.spanId,
        method,
        protocol,
        user: caller?.username,
        durationMs: Math.round(ms * 1000) / 1000,
        code: outcome.name,
      };
      if (items !== undefined) {
        line.items = items;
        line.itemsPerSecond = ms > 0 ? Math.round((items * 1000) / ms) : items;
      }
      if (outcome.error) line.error = outcome.error.rawMessage;
      if (outcome.serverFault) logger.error(line, "rpc");
      else logger.info(line, "rpc");
    };
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await next(req);
    } catch (error) {
      finish(rpcOutcome(error));
      throw error;
    }
    if (!res.stream) {
      finish(rpcOutcome(undefined));
      return res;
    }
    metrics.activeStreams.inc();
    const itemCounter = metrics.streamItems.labels(method);
    let messages = 0;
    let items = 0;
    let reported = 0;
    const report = (): number => {
      if (items > reported) itemCounter.inc(items - reported);
      reported = items;
      return items;
    };
    const message = observeStream(res.message, {
      signal: req.signal,
      item(value) {
        // Items are what each message carries (a batch or a framed page its items, as its stream declared).
        items += itemCount(value);
        if (messages++ === 0)
          metrics.streamFirstItem.observe({ method }, (performance.now() - started) / 1000);
        report();
      },
      end(outcome, error) {
        metrics.activeStreams.dec();
        finish(
          outcome === "done" || outcome === "error" ? rpcOutcome(error) : abandonedOutcome(req.signal),
          report(),
        );
      },
    });
    return { ...res, message };
  };
}
