import type { ConnectError, HandlerContext } from "@connectrpc/connect";
import { isUndecodableMessageError, undecodableMessage } from "../errors.js";

/** connect-node's requestGate option: runs once per call, before the request body is read. */
export type RequestGate = (context: HandlerContext) => void | Promise<void>;

/**
 * A connect-node requestGate that makes a request message connect-es cannot parse an
 * INVALID_ARGUMENT with a fixed message, over Connect, gRPC and gRPC-Web alike, instead of INTERNAL
 * (HTTP 500) with the parser's text. For unary calls connect-es parses before any interceptor runs,
 * so the errors interceptor never sees the failure; what every protocol does see is the call's
 * signal, aborted with the error just before the error is written out. Wraps `next`, if given.
 */
export function undecodableRequestGate(next?: RequestGate): RequestGate {
  return (context) => {
    const { signal } = context;
    signal.addEventListener("abort", () => asInvalidArgument(signal.reason), { once: true });
    return next?.(context);
  };
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Rewrites the error in place: connect-es holds it in a local variable and writes it out right after
 * aborting the signal, so no replacement could take its place.
 */
function asInvalidArgument(reason: unknown): void {
  if (!isUndecodableMessageError(reason)) return;
  const fixed = undecodableMessage();
  const target = reason as Writable<ConnectError>;
  target.code = fixed.code;
  target.rawMessage = fixed.rawMessage;
  target.message = fixed.message;
  target.stack = fixed.stack;
}
