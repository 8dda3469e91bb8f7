import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "./config.js";

describe("configuration", () => {
  it("runs the demo with no variables set: port 8080, embedded database in ./data", () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.dataDir, "./data");
    assert.equal(config.resilience.bulkheadLimit, 90, "pool max 100 − 10");
    assert.equal(config.resilience.bulkheadQueue, 180);
    assert.equal(config.streaming.maxPerCaller, 100);
    assert.ok(Object.isFrozen(config.streaming));
  });

  it("stops with a message naming the key for a bad value", () => {
    assert.throws(
      () => loadConfig({ ECT_PORT: "eighty" }),
      (error: Error) => error instanceof ConfigError && /ECT_PORT/.test(error.message),
    );
    assert.throws(() => loadConfig({ ECT_BREAKER_FAILURE_RATIO: "2" }), /ECT_BREAKER_FAILURE_RATIO/);
    assert.throws(() => loadConfig({ ECT_DB_POOL_MIN: "50", ECT_DB_POOL_MAX: "10" }), /ECT_DB_POOL_MIN/);
    assert.throws(() => loadConfig({ ECT_AUTH_MODE: "oidc" }), /ECT_OIDC_ISSUER/);
    assert.throws(() => loadConfig({ ECT_SEED_DEMO: "maybe" }), /ECT_SEED_DEMO/);
    assert.throws(() => loadConfig({ ECT_OIDC_AUTHORIZE_URL: "/authorize" }), /ECT_OIDC_AUTHORIZE_URL/);
  });

  it("reads documents, notifications, reports and scale-out settings, refusing a non-SMTP mail URL", () => {
    const config = loadConfig({
      ECT_DOCUMENT_MAX_BYTES: "1048576",
      ECT_DOCUMENT_TYPES: "application/pdf, text/plain",
      ECT_SMTP_URL: "smtp://mailer:secret@127.0.0.1:2525",
      ECT_STREAM_LIMIT_SCOPE: "shared",
    });
    assert.equal(config.documents.maxBytes, 1_048_576);
    assert.deepEqual(config.documents.allowedTypes, ["application/pdf", "text/plain"]);
    assert.equal(config.notifications.smtpUrl, "smtp://mailer:secret@127.0.0.1:2525");
    assert.equal(config.scaleOut.streamLimitScope, "shared");
    assert.equal(
      loadConfig({}).notifications.smtpUrl,
      undefined,
      "unset: email is recorded as not configured",
    );
    assert.equal(loadConfig({}).documents.maxBytes, 25 * 1024 * 1024);
    assert.throws(() => loadConfig({ ECT_SMTP_URL: "https://mail.example" }), /ECT_SMTP_URL/);
    assert.throws(() => loadConfig({ ECT_STREAM_LIMIT_SCOPE: "global" }), /ECT_STREAM_LIMIT_SCOPE/);
  });

  it("asks the OIDC issuer for openid and profile unless ECT_OIDC_SCOPES says otherwise", () => {
    assert.deepEqual(loadConfig({}).auth.oidcScopes, ["openid", "profile"]);
    assert.deepEqual(loadConfig({ ECT_OIDC_SCOPES: "openid email, offline_access" }).auth.oidcScopes, [
      "openid",
      "email",
      "offline_access",
    ]);
  });

  it("reads the CORS allow-list as a comma-separated list", () => {
    assert.deepEqual(loadConfig({ ECT_CORS_ORIGINS: "https://a.example, https://b.example" }).corsOrigins, [
      "https://a.example",
      "https://b.example",
    ]);
  });

  describe("sign-in safety (REQUIREMENTS §8)", () => {
    const oidc = {
      ECT_OIDC_ISSUER: "https://login.example.org",
      ECT_OIDC_AUDIENCE: "ect-api",
      ECT_OIDC_JWKS_URL: "https://login.example.org/jwks",
    };
    const refuses = (env: Record<string, string>, message: RegExp) =>
      assert.throws(
        () => loadConfig(env),
        (error: Error) => error instanceof ConfigError && message.test(error.message),
      );

    it("the production profile without OIDC refuses to start, naming the settings it needs", () => {
      refuses(
        { ECT_PROFILE: "production" },
        /^ECT_PROFILE=production needs ECT_OIDC_ISSUER, ECT_OIDC_AUDIENCE, ECT_OIDC_JWKS_URL/,
      );
      refuses(
        { ECT_PROFILE: "production", ECT_OIDC_ISSUER: oidc.ECT_OIDC_ISSUER },
        /needs ECT_OIDC_AUDIENCE/,
      );
      const config = loadConfig({ ECT_PROFILE: "production", ...oidc });
      assert.equal(config.auth.mode, "oidc");
    });

    it("the production profile refuses development sign-in unless the override is set", () => {
      refuses(
        { ECT_PROFILE: "production", ECT_AUTH_MODE: "development" },
        /refuses ECT_AUTH_MODE=development.*ECT_ALLOW_DEVELOPMENT_AUTH_IN_PRODUCTION=true/,
      );
      refuses(
        {
          ECT_PROFILE: "production",
          ECT_AUTH_MODE: "development",
          ECT_ALLOW_DEVELOPMENT_AUTH_IN_PRODUCTION: "false",
        },
        /refuses ECT_AUTH_MODE=development/,
      );
      const overridden = loadConfig({
        ECT_PROFILE: "production",
        ECT_AUTH_MODE: "development",
        ECT_ALLOW_DEVELOPMENT_AUTH_IN_PRODUCTION: "true",
      });
      assert.equal(overridden.auth.mode, "development");
      assert.equal(overridden.auth.allowDevelopmentInProduction, true);
      assert.equal(overridden.host, "127.0.0.1", "still loopback unless ECT_HOST says otherwise");
    });

    it("binds development sign-in to loopback and OIDC to every interface unless ECT_HOST is set", () => {
      assert.equal(loadConfig({}).host, "127.0.0.1");
      assert.equal(loadConfig({ ECT_AUTH_MODE: "oidc", ...oidc }).host, "0.0.0.0");
      assert.equal(loadConfig({ ECT_HOST: "0.0.0.0" }).host, "0.0.0.0");
      assert.equal(loadConfig({ ECT_AUTH_MODE: "oidc", ...oidc, ECT_HOST: "10.0.0.5" }).host, "10.0.0.5");
    });

    it("needs at least 32 bytes of ECT_JWT_SECRET, counted in bytes", () => {
      refuses({ ECT_JWT_SECRET: "a" }, /^ECT_JWT_SECRET must be at least 32 bytes, got 1/);
      refuses({ ECT_JWT_SECRET: "x".repeat(31) }, /ECT_JWT_SECRET must be at least 32 bytes, got 31/);
      assert.equal(loadConfig({ ECT_JWT_SECRET: "x".repeat(32) }).auth.jwtSecret, "x".repeat(32));
      assert.equal(loadConfig({ ECT_JWT_SECRET: "é".repeat(16) }).auth.jwtSecret?.length, 16, "32 bytes");
      assert.equal(loadConfig({}).auth.jwtSecret, undefined, "unset: one is generated");
    });

    it("pins the OIDC algorithms to RS256 and ES256 unless ECT_OIDC_ALGORITHMS lists others", () => {
      assert.deepEqual(loadConfig({}).auth.oidcAlgorithms, ["RS256", "ES256"]);
      assert.deepEqual(loadConfig({ ECT_OIDC_ALGORITHMS: "PS256, EdDSA" }).auth.oidcAlgorithms, [
        "PS256",
        "EdDSA",
      ]);
    });

    it("refuses OIDC algorithms that prove nothing (none) or that a public key could forge (HMAC)", () => {
      for (const value of ["none", "HS256", "RS256,HS512", "rs256"]) {
        assert.throws(
          () => loadConfig({ ECT_OIDC_ALGORITHMS: value }),
          /ECT_OIDC_ALGORITHMS must list asymmetric/,
        );
      }
    });
  });
});
