import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { loadConfig } from "../config.js";
import { createLogger } from "../telemetry/logger.js";
import { announceSignIn } from "./announce-sign-in.js";

/** Announces for an environment; returns the log lines and what was printed. */
async function announce(env: Record<string, string>) {
  const lines: { level: string; msg: string; host?: string }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  let printed = "";
  await announceSignIn(loadConfig(env), {
    logger: createLogger({ level: "info", pretty: false, destination }),
    demoToken: async () => "demo.token.value",
    print: (text) => {
      printed += text;
    },
  });
  return { lines, printed };
}

describe("the sign-in announcement at start", () => {
  it("warns that anyone can sign in in development mode, names the address, and prints the demo token", async () => {
    const { lines, printed } = await announce({});
    assert.deepEqual(
      lines.map(({ level, msg, host }) => ({ level, msg, host })),
      [
        {
          level: "warn",
          msg: "development sign-in: anyone can sign in as any user; bound to 127.0.0.1",
          host: "127.0.0.1",
        },
      ],
    );
    assert.match(printed, /Demo token for "admin".*\ndemo\.token\.value\n/s);
  });

  it("says when development sign-in is reachable from other machines", async () => {
    const { lines } = await announce({ ECT_HOST: "0.0.0.0" });
    assert.match(lines[0].msg, /bound to 0\.0\.0\.0$/);
    assert.equal((lines[0] as { reachableFromOtherMachines?: boolean }).reachableFromOtherMachines, true);
  });

  it("logs the production override as an error and prints no token", async () => {
    const { lines, printed } = await announce({
      ECT_PROFILE: "production",
      ECT_AUTH_MODE: "development",
      ECT_ALLOW_DEVELOPMENT_AUTH_IN_PRODUCTION: "true",
    });
    assert.equal(lines.length, 1);
    assert.equal(lines[0].level, "error");
    assert.match(lines[0].msg, /ECT_ALLOW_DEVELOPMENT_AUTH_IN_PRODUCTION.*anyone .* can sign in as any user/);
    assert.equal(printed, "", "no token in a production log");
  });

  it("says nothing and prints no token in oidc mode", async () => {
    const { lines, printed } = await announce({
      ECT_AUTH_MODE: "oidc",
      ECT_OIDC_ISSUER: "https://login.example.org",
      ECT_OIDC_AUDIENCE: "ect",
      ECT_OIDC_JWKS_URL: "https://login.example.org/jwks",
    });
    assert.deepEqual(lines, []);
    assert.equal(printed, "");
  });
});
