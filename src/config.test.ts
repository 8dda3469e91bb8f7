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
});
