import type { Config } from "../config.js";
import { failedPrecondition } from "../errors.js";

/** What a browser needs for the Authorization Code flow with PKCE, as a public client. */
export interface OidcSignIn {
  issuer: string;
  clientId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  scopes: string[];
  audience: string;
}

/** How the web client signs in: demo users, or the organisation's OIDC issuer. */
export type SignInOptions = { mode: "development" } | { mode: "oidc"; oidc: OidcSignIn };

/** Knobs of the discovery fetch; tests shorten them and pass a fake fetch. */
export interface DiscoveryOptions {
  fetch?: typeof fetch;
  /** A slow issuer must not hold up the sign-in page. */
  timeoutMs?: number;
  /** After a failed discovery the fallback endpoints are served this long before asking again. */
  retryAfterMs?: number;
}

interface Endpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

/**
 * Resolves the sign-in options once per process: endpoints come from configuration, else from the issuer's
 * `/.well-known/openid-configuration` (fetched server-side so the browser needs no CORS on it), else
 * `${issuer}/authorize` and `${issuer}/token`.
 */
export function signInOptionsResolver(
  auth: Config["auth"],
  options: DiscoveryOptions = {},
): () => Promise<SignInOptions> {
  if (auth.mode === "development") return async () => ({ mode: "development" });
  const issuer = auth.oidcIssuer!;
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 3000;
  const retryAfterMs = options.retryAfterMs ?? 30_000;
  const base = issuer.replace(/\/+$/, "");
  const fallback: Endpoints = { authorizationEndpoint: `${base}/authorize`, tokenEndpoint: `${base}/token` };

  let cached: { endpoints: Endpoints; until: number } | undefined;
  let pending: Promise<Endpoints> | undefined;

  async function discover(): Promise<{ endpoints: Endpoints; until: number }> {
    try {
      const response = await fetchImpl(`${base}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: "application/json" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const document = (await response.json()) as Record<string, unknown>;
      return {
        endpoints: {
          authorizationEndpoint: urlOr(document.authorization_endpoint, fallback.authorizationEndpoint),
          tokenEndpoint: urlOr(document.token_endpoint, fallback.tokenEndpoint),
        },
        until: Number.POSITIVE_INFINITY,
      };
    } catch {
      return { endpoints: fallback, until: Date.now() + retryAfterMs };
    }
  }

  async function endpoints(): Promise<Endpoints> {
    if (auth.oidcAuthorizeUrl && auth.oidcTokenUrl) {
      return { authorizationEndpoint: auth.oidcAuthorizeUrl, tokenEndpoint: auth.oidcTokenUrl };
    }
    if (!cached || cached.until < Date.now()) {
      // Concurrent sign-in pages share one discovery request.
      pending ??= discover().then((result) => {
        cached = result;
        pending = undefined;
        return result.endpoints;
      });
      await pending;
    }
    const found = cached!.endpoints;
    return {
      authorizationEndpoint: auth.oidcAuthorizeUrl ?? found.authorizationEndpoint,
      tokenEndpoint: auth.oidcTokenUrl ?? found.tokenEndpoint,
    };
  }

  return async () => {
    if (!auth.oidcClientId) {
      throw failedPrecondition(
        "sign-in through the organisation is not configured on this server (ECT_OIDC_CLIENT_ID is unset)",
      );
    }
    return {
      mode: "oidc",
      oidc: {
        issuer,
        clientId: auth.oidcClientId,
        ...(await endpoints()),
        scopes: [...auth.oidcScopes],
        audience: auth.oidcAudience ?? "",
      },
    };
  };
}

function urlOr(value: unknown, fallback: string): string {
  return typeof value === "string" && URL.canParse(value) ? value : fallback;
}
