import type { OidcSignIn } from "../../src/gen/ect/v1/identity_service_pb.js";

/** The path the issuer redirects back to; the single-page app routes it to the callback page. */
export const callbackPath = "/signin/callback";

/** What the browser remembers between leaving for the issuer and coming back; one sign-in at a time. */
interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  tokenEndpoint: string;
  clientId: string;
  redirectUri: string;
}

const pendingKey = "ect.oidc.pending";

/** A sign-in that failed for a reason the user should read. */
export class SignInError extends Error {}

/** Starts the Authorization Code flow with PKCE (S256): remembers the secrets, then leaves for the issuer. */
export async function beginOidcSignIn(oidc: OidcSignIn): Promise<void> {
  if (!window.isSecureContext || !crypto.subtle) {
    throw new SignInError("signing in through your organisation needs HTTPS (or localhost)");
  }
  const pending: PendingSignIn = {
    state: randomToken(),
    nonce: randomToken(),
    codeVerifier: randomToken(48),
    tokenEndpoint: oidc.tokenEndpoint,
    clientId: oidc.clientId,
    redirectUri: `${window.location.origin}${callbackPath}`,
  };
  const challenge = base64Url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(pending.codeVerifier))),
  );
  const url = new URL(oidc.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: oidc.clientId,
    redirect_uri: pending.redirectUri,
    scope: oidc.scopes.join(" "),
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
    // Issuers such as Auth0 only mint a JWT access token for ECT when asked for its audience.
    ...(oidc.audience ? { audience: oidc.audience } : {}),
  }).toString();
  sessionStorage.setItem(pendingKey, JSON.stringify(pending));
  window.location.assign(url.toString());
}

/**
 * Finishes the flow on the callback URL: checks the state, exchanges the code (with the verifier) at the
 * token endpoint, checks the ID token's nonce when one comes back, and returns the access token.
 * The pending sign-in is used up whatever happens, so a replayed callback URL fails.
 */
export async function completeOidcSignIn(callback: URL): Promise<string> {
  const raw = sessionStorage.getItem(pendingKey);
  sessionStorage.removeItem(pendingKey);
  const params = callback.searchParams;
  if (params.has("error")) {
    throw new SignInError(
      `the identity provider refused the sign-in: ${params.get("error_description") || params.get("error")}`,
    );
  }
  if (!raw) throw new SignInError("no sign-in was in progress in this tab; start again");
  const pending = JSON.parse(raw) as PendingSignIn;
  if (!params.get("state") || params.get("state") !== pending.state) {
    throw new SignInError("the sign-in response does not match the request this tab sent (state mismatch)");
  }
  const code = params.get("code");
  if (!code) throw new SignInError("the identity provider returned no authorization code");

  let response: Response;
  try {
    response = await fetch(pending.tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: pending.redirectUri,
        client_id: pending.clientId,
        code_verifier: pending.codeVerifier,
      }),
    });
  } catch {
    throw new SignInError("could not reach the identity provider's token endpoint");
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== "string") {
    const reason = [body.error, body.error_description].filter(Boolean).join(": ");
    throw new SignInError(
      `the token exchange failed (HTTP ${response.status}${reason ? `, ${reason}` : ""})`,
    );
  }
  if (typeof body.id_token === "string" && idTokenNonce(body.id_token) !== pending.nonce) {
    throw new SignInError("the ID token was issued for another sign-in (nonce mismatch)");
  }
  return body.access_token;
}

/** The nonce claim of an ID token; its signature is the server's concern, the nonce binds it to this tab. */
function idTokenNonce(idToken: string): string | undefined {
  try {
    const payload = idToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return (JSON.parse(atob(payload)) as { nonce?: string }).nonce;
  } catch {
    return undefined;
  }
}

function randomToken(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
