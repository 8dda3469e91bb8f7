import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";

/** Runs `ect serve` with only the given ECT_* settings; it must stop before opening anything. */
function serve(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "serve"], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ECT_DATA_DIR: "memory", ECT_PORT: "0", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe("starting under the production profile", { timeout: 120_000 }, () => {
  it("refuses to start without OIDC, naming the settings it needs", () => {
    const { status, stderr, stdout } = serve({ ECT_PROFILE: "production" });
    assert.equal(status, 1);
    assert.match(
      stderr,
      /ECT_PROFILE=production needs ECT_OIDC_ISSUER, ECT_OIDC_AUDIENCE, ECT_OIDC_JWKS_URL/,
    );
    assert.doesNotMatch(stdout, /Demo token/);
  });

  it("refuses development sign-in, naming the override", () => {
    const { status, stderr } = serve({ ECT_PROFILE: "production", ECT_AUTH_MODE: "development" });
    assert.equal(status, 1);
    assert.match(stderr, /refuses ECT_AUTH_MODE=development.*ECT_ALLOW_DEVELOPMENT_AUTH_IN_PRODUCTION/);
  });
});
