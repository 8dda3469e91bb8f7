import type { HandlerContext } from "@connectrpc/connect";
import { unauthenticated } from "../errors.js";
import { type Caller, callerKey } from "../interceptors/caller-context.js";

/** The authenticated caller of a handler; the auth interceptor guarantees one on non-public RPCs. */
export function callerOf(context: HandlerContext): Caller {
  const caller = context.values.get(callerKey);
  if (!caller) throw unauthenticated("sign in first: no bearer token");
  return caller;
}
