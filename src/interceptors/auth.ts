import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { callerKey, callTokenKey, remoteAddressKey } from "../auth/caller-context.js";
import type { CallerDirectory } from "../auth/caller-directory.js";
import type { TokenAuthority } from "../auth/token-issuer.js";
import { permissionDenied, unauthenticated } from "../errors.js";
import type { KeyRateLimiter } from "../resilience/key-rate-limiter.js";
import { setCallUser } from "../telemetry/correlation.js";
import { methodPermission } from "./method-permission.js";

/** What the auth interceptor needs. */
export interface AuthDeps {
  tokens: TokenAuthority;
  directory: CallerDirectory;
  /** Limits calls that arrive without a token, per client address. */
  anonymousLimiter: KeyRateLimiter;
}

/**
 * Enforces each RPC's declared permission for every protocol: no, bad or revoked token →
 * UNAUTHENTICATED, missing permission → PERMISSION_DENIED. A method without a declaration is refused
 * (fail closed). Handlers find the caller under `callerKey` and the token (to revoke it) under `callTokenKey`.
 */
export function authInterceptor(deps: AuthDeps): Interceptor {
  return (next) => async (req) => {
    const required = methodPermission(req.method);
    if (required === undefined) throw permissionDenied(`${req.method.name} declares no permission`);
    const header = req.header.get("authorization") ?? "";
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    // The transport's socket address (or the trusted proxy's word for it): never a header the client chose.
    const chargeAnonymous = () =>
      deps.anonymousLimiter.check(req.contextValues.get(remoteAddressKey) || "unknown");
    if (!token) {
      chargeAnonymous();
      if (required === "public") return next(req);
      throw unauthenticated("sign in first: send Authorization: Bearer <token>");
    }
    // A token that proves nothing is an anonymous call: it pays the anonymous limit, so sending
    // "Bearer junk" cannot buy unlimited token checks.
    let verified: Awaited<ReturnType<TokenAuthority["verify"]>>;
    try {
      verified = await deps.tokens.verify(token);
    } catch (error) {
      if (ConnectError.from(error).code === Code.Unauthenticated) chargeAnonymous();
      throw error;
    }
    const caller = await deps.directory.resolve(verified.account);
    if (!caller) {
      chargeAnonymous();
      throw unauthenticated("the token names no active account");
    }
    if (required !== "public" && required !== "authenticated" && !caller.permissions.has(required)) {
      throw permissionDenied(
        `${req.method.name} needs the "${required}" permission, which ${caller.roleName} lacks`,
      );
    }
    req.contextValues.set(callerKey, caller);
    req.contextValues.set(callTokenKey, verified);
    setCallUser(caller.username);
    return next(req);
  };
}
