import { ConnectError, type Interceptor } from "@connectrpc/connect";
import {
  type CallContext,
  CORRELATION_HEADER,
  resolveCorrelationId,
  runWithCallContext,
} from "../telemetry/correlation.js";
import { observeStream } from "../telemetry/observe-stream.js";

/**
 * Outermost interceptor: resolves the x-correlation-id, runs the call (and every pull of its response
 * stream) inside the call context, and echoes the id on the response header, or on the error's
 * metadata when the call fails.
 */
export const correlationInterceptor: Interceptor = (next) => (req) => {
  const correlationId = resolveCorrelationId(req.header.get(CORRELATION_HEADER));
  const call: CallContext = { correlationId, method: `${req.service.typeName}/${req.method.name}` };
  return runWithCallContext(call, async () => {
    try {
      const res = await next(req);
      // Streams send their header with the first message, which has not been pulled yet.
      res.header.set(CORRELATION_HEADER, correlationId);
      if (!res.stream) return res;
      const enter = <R>(pull: () => R): R => runWithCallContext(call, pull);
      return { ...res, message: observeStream(res.message, { enter }) };
    } catch (cause) {
      const error = ConnectError.from(cause);
      error.metadata.set(CORRELATION_HEADER, correlationId);
      throw error;
    }
  });
};

/**
 * For HTTP routes outside the RPC chain (health, metrics, static, OTLP receiver): the id to echo on
 * the reply and to run the route under. Pass the raw request header value.
 */
export function correlationIdForHttp(headerValue: string | string[] | undefined): string {
  return resolveCorrelationId(Array.isArray(headerValue) ? headerValue[0] : headerValue);
}
