import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import type { Browser, Page } from "playwright-core";
import { browserSuite, launchChromium } from "../support/chromium.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ensureWebBuilt } from "./build-web.js";

const artifacts = "test-artifacts/e2e";
const clientId = "ect-web";
/** The subject the fake issuer gives the medical technician; its tokens also claim a preferred_username. */
const subject = "idp|5d0c9a41";

/** A code the fake issuer handed out, and what it was bound to. */
interface IssuedCode {
  challenge: string;
  redirectUri: string;
  nonce: string;
}

/**
 * A minimal OIDC provider: discovery, an /authorize that signs "medtech" in without a login form, a /token
 * that checks the PKCE verifier and answers with CORS headers, and the JWKS ECT verifies against.
 */
class FakeIssuer {
  url = "";
  /** Token requests received, for asserting what the browser sent. */
  readonly tokenRequests: URLSearchParams[] = [];
  /** When set, /authorize sends this state back instead of the one it got (a forged redirect). */
  forgeState: string | undefined;
  /** When set, /token answers with this OAuth error. */
  tokenError: string | undefined;
  private readonly codes = new Map<string, IssuedCode>();
  private readonly server: Server;
  private keys!: { privateKey: CryptoKey; jwk: JWK };

  constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => this.json(res, 500, { error: error.message }));
    });
  }

  async start(): Promise<void> {
    const pair = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: "fake-key", alg: "RS256", use: "sig" };
    this.keys = { privateKey: pair.privateKey as CryptoKey, jwk };
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    if (req.method === "OPTIONS") {
      res.writeHead(204, this.cors({ "access-control-allow-methods": "POST, GET" }));
      return void res.end();
    }
    if (url.pathname === "/.well-known/openid-configuration") {
      return this.json(res, 200, {
        issuer: this.url,
        authorization_endpoint: `${this.url}/authorize`,
        token_endpoint: `${this.url}/token`,
        jwks_uri: `${this.url}/jwks`,
        code_challenge_methods_supported: ["S256"],
      });
    }
    if (url.pathname === "/jwks") return this.json(res, 200, { keys: [this.keys.jwk] });
    if (url.pathname === "/authorize") return this.authorize(url.searchParams, res);
    if (url.pathname === "/token" && req.method === "POST") {
      return this.token(new URLSearchParams(await bodyOf(req)), res);
    }
    this.json(res, 404, { error: "not_found" });
  }

  private authorize(query: URLSearchParams, res: ServerResponse): void {
    const redirectUri = query.get("redirect_uri") ?? "";
    const valid =
      query.get("response_type") === "code" &&
      query.get("client_id") === clientId &&
      query.get("code_challenge_method") === "S256" &&
      query.get("code_challenge") &&
      query.get("state") &&
      query.get("nonce") &&
      redirectUri.endsWith("/signin/callback");
    if (!valid) {
      this.json(res, 400, { error: "invalid_request", query: Object.fromEntries(query) });
      return;
    }
    const code = randomBytes(16).toString("hex");
    this.codes.set(code, {
      challenge: query.get("code_challenge")!,
      redirectUri,
      nonce: query.get("nonce")!,
    });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", this.forgeState ?? query.get("state")!);
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  private async token(form: URLSearchParams, res: ServerResponse): Promise<void> {
    this.tokenRequests.push(form);
    if (this.tokenError) return this.json(res, 400, { error: this.tokenError });
    const issued = this.codes.get(form.get("code") ?? "");
    this.codes.delete(form.get("code") ?? "");
    const verifier = form.get("code_verifier") ?? "";
    const s256 = createHash("sha256").update(verifier).digest("base64url");
    if (
      !issued ||
      form.get("grant_type") !== "authorization_code" ||
      form.get("client_id") !== clientId ||
      form.get("redirect_uri") !== issued.redirectUri ||
      s256 !== issued.challenge
    ) {
      return this.json(res, 400, { error: "invalid_grant", error_description: "code or verifier mismatch" });
    }
    const sign = (claims: Record<string, unknown>, audience: string) =>
      new SignJWT({ preferred_username: "medtech", ...claims })
        .setProtectedHeader({ alg: "RS256", kid: "fake-key" })
        .setIssuer(this.url)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(this.keys.privateKey);
    this.json(res, 200, {
      access_token: await sign({}, "ect"),
      id_token: await sign({ nonce: issued.nonce }, clientId),
      token_type: "Bearer",
      expires_in: 600,
    });
  }

  private cors(headers: Record<string, string> = {}): Record<string, string> {
    return { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type", ...headers };
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, this.cors({ "content-type": "application/json", "cache-control": "no-store" }));
    res.end(JSON.stringify(body));
  }
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body;
}

describe("production sign-in through the organisation's OIDC issuer, in Chromium", {
  timeout: 120_000,
  ...browserSuite,
}, () => {
  const issuer = new FakeIssuer();
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    await ensureWebBuilt();
    mkdirSync(artifacts, { recursive: true });
    await issuer.start();
    server = await startTestServer(undefined, {
      ECT_AUTH_MODE: "oidc",
      ECT_OIDC_ISSUER: issuer.url,
      ECT_OIDC_AUDIENCE: "ect",
      ECT_OIDC_JWKS_URL: `${issuer.url}/jwks`,
      ECT_OIDC_CLIENT_ID: clientId,
    });
    // The fake issuer's subject for the medical technician, linked to the seeded account.
    await server.db.query("UPDATE users SET oidc_subject = $1 WHERE username = 'medtech'", [subject]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await issuer.close();
  });

  /** A fresh browser context on ECT's sign-in page, with the issuer's button showing. */
  async function signInPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("button", { name: "Sign in with your organisation" }).waitFor();
    return page;
  }

  const storedSession = (page: Page) => page.evaluate(() => sessionStorage.getItem("ect.session"));

  it("the server tells the browser where the issuer's endpoints are, found by discovery", async () => {
    const response = await fetch(`${server.url}/ect/v1/sign-in-options`);
    assert.equal(response.status, 200);
    const options = (await response.json()) as { mode: string; oidc: Record<string, unknown> };
    assert.equal(options.mode, "oidc");
    assert.deepEqual(options.oidc, {
      issuer: issuer.url,
      clientId,
      authorizationEndpoint: `${issuer.url}/authorize`,
      tokenEndpoint: `${issuer.url}/token`,
      scopes: ["openid", "profile"],
      audience: "ect",
    });
  });

  it("signs the medical technician in with the authorization code and PKCE, and shows the role", async () => {
    const page = await signInPage();
    assert.equal(await page.getByTestId("signin-medtech").count(), 0, "no demo users in oidc mode");
    const exchanges = issuer.tokenRequests.length;
    await page.getByRole("button", { name: "Sign in with your organisation" }).click();
    await page.getByTestId("current-role").getByText("Medical Technician").waitFor();
    assert.match(
      (await page.getByTestId("current-user").textContent()) ?? "",
      /Medical Technician/,
      "the header names the role",
    );
    await page.getByRole("heading", { level: 1, name: "Inbox" }).waitFor();
    await page.screenshot({ path: `${artifacts}/oidc-signed-in.png` });

    assert.equal(new URL(page.url()).pathname, "/", "back on the inbox");
    assert.equal(new URL(page.url()).search, "", "the code and state left the address bar");
    assert.equal(issuer.tokenRequests.length, exchanges + 1, "one token exchange");
    const form = issuer.tokenRequests.at(-1)!;
    assert.equal(form.get("redirect_uri"), `${server.url}/signin/callback`);
    assert.match(form.get("code_verifier") ?? "", /^[\w-]{43,128}$/, "an RFC 7636 code verifier");
    assert.match((await storedSession(page)) ?? "", /"username":"medtech"/);
    await page.context().close();
  });

  it("signing out revokes the issuer's token before the tab forgets it", async () => {
    const page = await signInPage();
    await page.getByRole("button", { name: "Sign in with your organisation" }).click();
    await page.getByTestId("current-role").getByText("Medical Technician").waitFor();
    const { token } = JSON.parse((await storedSession(page)) ?? "{}") as { token: string };
    const me = async () => {
      const response = await fetch(`${server.url}/ect/v1/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      return response.status;
    };
    assert.equal(await me(), 200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in with your organisation" }).waitFor();
    assert.equal(await storedSession(page), null, "the tab forgot the session");
    assert.equal(await me(), 401, "the token no longer works anywhere");
    await page.context().close();
  });

  it("refuses a redirect whose state was tampered with, before spending the code", async () => {
    const page = await signInPage();
    const exchanges = issuer.tokenRequests.length;
    issuer.forgeState = "forged-by-an-attacker";
    try {
      await page.getByRole("button", { name: "Sign in with your organisation" }).click();
      await page
        .getByTestId("signin-error")
        .getByText(/state mismatch/)
        .waitFor();
    } finally {
      issuer.forgeState = undefined;
    }
    assert.equal(issuer.tokenRequests.length, exchanges, "no token exchange for a forged redirect");
    assert.equal(await storedSession(page), null, "not signed in");
    assert.equal(await page.getByTestId("current-role").count(), 0);
    await page.screenshot({ path: `${artifacts}/oidc-state-mismatch.png` });
    await page.getByRole("button", { name: "Back to sign in" }).click();
    await page.getByRole("button", { name: "Sign in with your organisation" }).waitFor();
    await page.context().close();
  });

  it("shows the issuer's error when the token exchange fails", async () => {
    const page = await signInPage();
    issuer.tokenError = "invalid_grant";
    try {
      await page.getByRole("button", { name: "Sign in with your organisation" }).click();
      await page
        .getByTestId("signin-error")
        .getByText(/token exchange failed.*invalid_grant/)
        .waitFor();
    } finally {
      issuer.tokenError = undefined;
    }
    assert.equal(await storedSession(page), null, "not signed in");
    await page.context().close();
  });
});
