import { AsyncLocalStorage } from "node:async_hooks";
import { CORRELATION_HEADER, isValidCorrelationId, newCorrelationId } from "../correlation-id.js";

export { CORRELATION_HEADER, isValidCorrelationId };

/** What every log line and span of one call can know about it; lives for the whole call, streams included. */
export interface CallContext {
  readonly correlationId: string;
  /** "<package.Service>/<Method>" for RPCs, "<VERB> <route>" for plain HTTP routes. */
  method?: string;
  /** The signed-in username, once the auth interceptor knows it. */
  user?: string;
}

const storage = new AsyncLocalStorage<CallContext>();
/** A fresh id: `corr-<UTC yyyyMMddHHmmss>-<32 hex>`. */
export function generateCorrelationId(now: Date = new Date()): string {
  return newCorrelationId(now);
}

/** Keeps a valid incoming id, otherwise generates one. */
export function resolveCorrelationId(incoming?: string | null): string {
  return incoming && isValidCorrelationId(incoming) ? incoming : generateCorrelationId();
}

/** Runs fn (and everything it starts asynchronously) inside the given call context. */
export function runWithCallContext<T>(call: CallContext, fn: () => T): T {
  return storage.run(call, fn);
}

/** The context of the call being served, if any. */
export function getCallContext(): CallContext | undefined {
  return storage.getStore();
}

/** The correlation id of the call being served, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Records the caller's username on the current call, so later log lines carry it. */
export function setCallUser(user: string): void {
  const call = storage.getStore();
  if (call) call.user = user;
}
