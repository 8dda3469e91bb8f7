import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { loadConfig } from "../config.js";
import { IdentityService } from "../gen/ect/v1/identity_service_pb.js";
import { identityService } from "../services/identity-service.js";
import { type DiscoveryOptions, signInOptionsResolver } from "./sign-in-options.js";

const ISSUER = "https://login.example.org/realms/ect";
const oidcEnv = {
  ECT_AUTH_MODE: "oidc",
  ECT_OIDC_ISSUER: ISSUER,
  ECT_OIDC_AUDIENCE: "ect-api",
  ECT_OIDC_JWKS_URL: `${ISSUER}/jwks`,
  ECT_OIDC_CLIENT_ID: "ect-web",
};

/** An IdentityService client over an in-memory transport; GetSignInOptions touches neither database nor tokens. */
function identityClient(env: Record<string, string>, discovery: DiscoveryOptions = {}) {
  const config = loadConfig(env);
  const unused = undefined as never;
  const transport = createRouterTransport(({ service }) =>
    service(
      IdentityService,
      identityService({
        db: unused,
        tokens: unused,
        directory: unused,
        signInOptions: signInOptionsResolver(config.auth, discovery),
      }),
    ),
  );
  return createClient(IdentityService, transport);
}

/** A fetch that serves one discovery document and counts the requests it saw. */
function fakeDiscovery(document: object | "down") {
  const requests: string[] = [];
  const fetch = (async (url: string) => {
    requests.push(String(url));
    if (document === "down") throw new TypeError("fetch failed");
    return Response.json(document);
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

describe("GetSignInOptions", () => {
  it("tells the web client to list demo users in development mode", async () => {
    const options = await identityClient({}).getSignInOptions({});
    assert.equal(options.mode, "development");
    assert.equal(options.oidc, undefined);
  });

  it("in oidc mode gives the issuer, client, scopes and audience, with endpoints discovered once", async () => {
    const discovery = fakeDiscovery({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/protocol/openid-connect/auth`,
      token_endpoint: `${ISSUER}/protocol/openid-connect/token`,
    });
    const client = identityClient(oidcEnv, { fetch: discovery.fetch });
    const [first, second] = await Promise.all([client.getSignInOptions({}), client.getSignInOptions({})]);
    await client.getSignInOptions({});
    assert.equal(first.mode, "oidc");
    assert.deepEqual(
      { ...first.oidc, $typeName: undefined },
      {
        $typeName: undefined,
        issuer: ISSUER,
        clientId: "ect-web",
        authorizationEndpoint: `${ISSUER}/protocol/openid-connect/auth`,
        tokenEndpoint: `${ISSUER}/protocol/openid-connect/token`,
        scopes: ["openid", "profile"],
        audience: "ect-api",
      },
    );
    assert.deepEqual(second.oidc, first.oidc);
    assert.deepEqual(
      discovery.requests,
      [`${ISSUER}/.well-known/openid-configuration`],
      "cached after one fetch",
    );
  });

  it("prefers configured endpoints and scopes over discovery", async () => {
    const discovery = fakeDiscovery({ authorization_endpoint: "https://elsewhere.example/auth" });
    const options = await identityClient(
      {
        ...oidcEnv,
        ECT_OIDC_AUTHORIZE_URL: "https://sso.example.org/authorize",
        ECT_OIDC_TOKEN_URL: "https://sso.example.org/token",
        ECT_OIDC_SCOPES: "openid email",
      },
      { fetch: discovery.fetch },
    ).getSignInOptions({});
    assert.equal(options.oidc?.authorizationEndpoint, "https://sso.example.org/authorize");
    assert.equal(options.oidc?.tokenEndpoint, "https://sso.example.org/token");
    assert.deepEqual(options.oidc?.scopes, ["openid", "email"]);
    assert.deepEqual(discovery.requests, [], "no discovery needed");
  });

  it("falls back to the issuer's /authorize and /token when discovery fails, and asks again later", async () => {
    const discovery = fakeDiscovery("down");
    const client = identityClient(oidcEnv, { fetch: discovery.fetch, retryAfterMs: 0 });
    const options = await client.getSignInOptions({});
    assert.equal(options.oidc?.authorizationEndpoint, `${ISSUER}/authorize`);
    assert.equal(options.oidc?.tokenEndpoint, `${ISSUER}/token`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await client.getSignInOptions({});
    assert.equal(discovery.requests.length, 2, "a failed discovery is not cached for good");
  });

  it("gives up on a discovery document that does not arrive within the timeout", async () => {
    // Like a real socket, the hanging request keeps the event loop alive (AbortSignal.timeout's timer does not).
    const hanging = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        const socket = setTimeout(() => reject(new Error("the timeout never fired")), 5000);
        init?.signal?.addEventListener("abort", () => {
          clearTimeout(socket);
          reject(init.signal?.reason);
        });
      })) as typeof fetch;
    const started = Date.now();
    const options = await identityClient(oidcEnv, { fetch: hanging, timeoutMs: 50 }).getSignInOptions({});
    assert.equal(options.oidc?.authorizationEndpoint, `${ISSUER}/authorize`);
    assert.ok(Date.now() - started < 2000, "answered promptly");
  });

  it("refuses in oidc mode without a client id, naming the missing setting", async () => {
    const { ECT_OIDC_CLIENT_ID: _, ...env } = oidcEnv;
    await assert.rejects(
      identityClient(env).getSignInOptions({}),
      (error) =>
        ConnectError.from(error).code === Code.FailedPrecondition &&
        /ECT_OIDC_CLIENT_ID/.test(ConnectError.from(error).message),
    );
  });
});
