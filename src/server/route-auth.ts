import { Code, ConnectError } from "@connectrpc/connect";
import type { Caller } from "../auth/caller-context.js";
import type { CallerDirectory } from "../auth/caller-directory.js";
import type { TokenAuthority } from "../auth/token-issuer.js";
import { permissionDenied, unauthenticated } from "../errors.js";
import type { KeyRateLimiter } from "../resilience/key-rate-limiter.js";

/**
 * Checks the Authorization header of a plain HTTP route (metrics, health details, the OTLP receiver)
 * as the auth interceptor checks an RPC's: a valid bearer token of an active account whose role has
 * `permission`. Resolves with the caller; throws UNAUTHENTICATED (401) or PERMISSION_DENIED (403).
 */
export type RouteAuth = (
  authorization: string | undefined,
  permission: string,
  /** The client's address (socket peer or trusted proxy's word): a refused token pays its anonymous limit. */
  address?: string,
) => Promise<Caller>;

/** What {@link routeAuth} checks tokens and permissions with: the app's own authority and directory. */
export interface RouteAuthDeps {
  readonly tokens: Pick<TokenAuthority, "verify">;
  readonly directory: Pick<CallerDirectory, "resolve">;
  /** The limit of calls without a valid token, per address, shared with the RPCs. */
  readonly anonymousLimiter?: Pick<KeyRateLimiter, "check">;
  /** Default Date.now; tests pass their own. */
  readonly now?: () => number;
}

/**
 * How long a caller this instance verified stands in when the check itself cannot run (the database
 * is down): an operator reads health details most when the database is what failed.
 */
const STALE_IF_UNAVAILABLE_MS = 5 * 60_000;
const MAX_REMEMBERED = 1_000;

/** Builds the {@link RouteAuth} of an app. */
export function routeAuth(deps: RouteAuthDeps): RouteAuth {
  const now = deps.now ?? Date.now;
  const recent = new Map<string, { caller: Caller; until: number }>();

  async function check(token: string): Promise<Caller> {
    let verified: Awaited<ReturnType<TokenAuthority["verify"]>>;
    try {
      verified = await deps.tokens.verify(token);
    } catch (error) {
      // The authority's own refusal (or an outage while it checks revocations) says best what happened.
      if (error instanceof ConnectError) throw error;
      throw unauthenticated("the bearer token is invalid or expired");
    }
    const caller = await deps.directory.resolve(verified.account);
    if (!caller) throw unauthenticated("the token names no active account");
    if (recent.size >= MAX_REMEMBERED) recent.delete(recent.keys().next().value as string);
    recent.set(token, {
      caller,
      until: Math.min(now() + STALE_IF_UNAVAILABLE_MS, verified.expiresAt.getTime()),
    });
    return caller;
  }

  return async (authorization, permission, address) => {
    // No token, or one that proves nothing, is an anonymous call: it pays the anonymous limit.
    const chargeAnonymous = () => deps.anonymousLimiter?.check(address || "unknown");
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
    if (!token) {
      chargeAnonymous();
      throw unauthenticated("sign in first: send Authorization: Bearer <token>");
    }
    let caller: Caller;
    try {
      caller = await check(token);
    } catch (error) {
      const code = ConnectError.from(error).code;
      const known = recent.get(token);
      if (code === Code.Unauthenticated || !known || known.until <= now()) {
        recent.delete(token);
        if (code === Code.Unauthenticated) chargeAnonymous();
        throw error;
      }
      caller = known.caller;
    }
    if (!caller.permissions.has(permission)) {
      throw permissionDenied(
        `this route needs the "${permission}" permission, which ${caller.roleName} lacks`,
      );
    }
    return caller;
  };
}
