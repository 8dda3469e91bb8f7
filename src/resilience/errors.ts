import { Code, ConnectError } from "@connectrpc/connect";

/** Metadata key telling the client how many seconds to wait before trying again. */
export const retryAfterKey = "retry-after";

/** A limit was hit; `retry-after` (whole seconds, at least 1) says when trying again makes sense. */
export function resourceExhausted(message: string, retryAfterMs: number): ConnectError {
  return new ConnectError(message, Code.ResourceExhausted, {
    [retryAfterKey]: String(retryAfterSeconds(retryAfterMs)),
  });
}

/** A dependency cannot serve now; the original failure is kept as the cause for logs, not leaked. */
export function unavailable(message: string, cause?: unknown, retryAfterMs?: number): ConnectError {
  const metadata =
    retryAfterMs === undefined ? undefined : { [retryAfterKey]: String(retryAfterSeconds(retryAfterMs)) };
  return new ConnectError(message, Code.Unavailable, metadata, undefined, cause);
}

/** The operation ran out of time. */
export function deadlineExceeded(message: string, cause?: unknown): ConnectError {
  return new ConnectError(message, Code.DeadlineExceeded, undefined, undefined, cause);
}

/** The caller went away; whatever was running was stopped on its behalf. */
export function cancelled(cause?: unknown): ConnectError {
  if (cause instanceof ConnectError && cause.code === Code.Canceled) return cause;
  return new ConnectError("operation cancelled", Code.Canceled, undefined, undefined, cause);
}

/** Milliseconds rounded up to the whole seconds `retry-after` carries (HTTP allows only integers). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
