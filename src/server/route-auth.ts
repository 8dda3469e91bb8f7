import { ConnectError } from "@connectrpc/connect";
import type { CallerDirectory } from "../auth/caller-directory.js";
import type { TokenAuthority } from "../auth/token-issuer.js";
import { permissionDenied, unauthenticated } from "../errors.js";
import type { Caller } from "../interceptors/caller-context.js";

/**
 * Checks the Authorization header of a plain HTTP route (metrics, health details, the OTLP receiver)
 * as the auth interceptor checks an RPC's: a valid bearer token of an active account whose role has
 * `permission`. Resolves with the caller; throws UNAUTHENTICATED (401) or PERMISSION_DENIED (403).
 */
export type RouteAuth = (authorization: string | undefined, permission: string) => Promise<Caller>;

/** What {@link routeAuth} checks tokens and permissions with: the app's own authority and directory. */
export interface RouteAuthDeps {
  readonly tokens: Pick<TokenAuthority, "verify">;
  readonly directory: Pick<CallerDirectory, "resolve">;
}

/** Builds the {@link RouteAuth} of an app. */
export function routeAuth(deps: RouteAuthDeps): RouteAuth {
  return async (authorization, permission) => {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
    if (!token) throw unauthenticated("sign in first: send Authorization: Bearer <token>");
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
    if (!caller.permissions.has(permission)) {
      throw permissionDenied(
        `this route needs the "${permission}" permission, which ${caller.roleName} lacks`,
      );
    }
    return caller;
  };
}
