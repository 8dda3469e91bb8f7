import type { Interceptor } from "@connectrpc/connect";
import { CORRELATION_HEADER, newCorrelationId } from "../correlation-id.js";
import { Emitter, type Subscribe } from "../resilience/events.js";

/** Header and gRPC metadata key of the correlation id (REQUIREMENTS §4). */
export const correlationHeader = CORRELATION_HEADER;

export { newCorrelationId };

/** The last correlation id a call carried, so a UI can show it next to an error. */
export interface CorrelationTracker {
  /** Id of the most recent call (the server's echo when it replaced ours). */
  last(): string | undefined;
  /** Fires with the id of every call as it starts and again if the server answers with another. */
  readonly onCorrelationId: Subscribe<string>;
}

/**
 * Sends `x-correlation-id` on every call: a caller-set header wins, then `provide()`, else a new id
 * per call. Retries inside the chain reuse the header, so one logical call keeps one id.
 */
export function correlationInterceptor(provide?: () => string | undefined): {
  interceptor: Interceptor;
  tracker: CorrelationTracker;
} {
  let last: string | undefined;
  const changed = new Emitter<string>();
  const remember = (id: string | null | undefined) => {
    if (!id || id === last) return;
    last = id;
    changed.emit(id);
  };
  const interceptor: Interceptor = (next) => async (req) => {
    let id = req.header.get(correlationHeader);
    if (!id) {
      id = provide?.() || newCorrelationId();
      req.header.set(correlationHeader, id);
    }
    remember(id);
    try {
      const res = await next(req);
      remember(res.header.get(correlationHeader));
      return res;
    } catch (error) {
      const echoed = (error as { metadata?: Headers }).metadata?.get?.(correlationHeader);
      remember(echoed);
      throw error;
    }
  };
  return { interceptor, tracker: { last: () => last, onCorrelationId: changed.subscribe } };
}
