import type { Interceptor } from "@connectrpc/connect";
import type { CallerDirectory } from "../auth/caller-directory.js";
import type { TokenAuthority } from "../auth/token-issuer.js";
import { permissionDenied, unauthenticated } from "../errors.js";
import type { KeyRateLimiter } from "../resilience/key-rate-limiter.js";
import { setCallUser } from "../telemetry/correlation.js";
import { callerKey, remoteAddressKey } from "./caller-context.js";
import { methodPermission } from "./method-permission.js";

/** What the auth interceptor needs. */
export interface AuthDeps {
  tokens: TokenAuthority;
  directory: CallerDirectory;
  /** Limits calls that arrive without a token, per client address. */
  anonymousLimiter: KeyRateLimiter;
}

/**
 * Enforces each RPC's declared permission for every protocol: no or bad token → UNAUTHENTICATED,
 * missing permission → PERMISSION_DENIED. A method without a declaration is refused (fail closed).
 */
export function authInterceptor(deps: AuthDeps): Interceptor {
  return (next) => async (req) => {
    const required = methodPermission(req.method);
    if (required === undefined) throw permissionDenied(`${req.method.name} declares no permission`);
    const header = req.header.get("authorization") ?? "";
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (!token) {
      // REST calls arrive through the in-memory transport, which forwards the client address as a header.
      const address =
        req.contextValues.get(remoteAddressKey) || req.header.get("x-forwarded-for")?.split(",")[0]?.trim();
      deps.anonymousLimiter.check(address || "unknown");
      if (required === "public") return next(req);
      throw unauthenticated("sign in first: send Authorization: Bearer <token>");
    }
    let username: string;
    try {
      username = await deps.tokens.verify(token);
    } catch {
      throw unauthenticated("the bearer token is invalid or expired");
    }
    const caller = await deps.directory.resolve(username);
    if (!caller) throw unauthenticated(`no active account for "${username}"`);
    if (required !== "public" && required !== "authenticated" && !caller.permissions.has(required)) {
      throw permissionDenied(
        `${req.method.name} needs the "${required}" permission, which ${caller.roleName} lacks`,
      );
    }
    req.contextValues.set(callerKey, caller);
    setCallUser(caller.username);
    return next(req);
  };
}
