import type { HandlerContext } from "@connectrpc/connect";
import { type Caller, type CallToken, callerKey, callTokenKey } from "../auth/caller-context.js";
import { unauthenticated } from "../errors.js";

/** The authenticated caller of a handler; the auth interceptor guarantees one on non-public RPCs. */
export function callerOf(context: HandlerContext): Caller {
  const caller = context.values.get(callerKey);
  if (!caller) throw unauthenticated("sign in first: no bearer token");
  return caller;
}

/** The bearer token of the current call (to revoke it); the auth interceptor sets it on non-public RPCs. */
export function callTokenOf(context: HandlerContext): CallToken {
  const token = context.values.get(callTokenKey);
  if (!token) throw unauthenticated("sign in first: no bearer token");
  return token;
}
