import { isIP } from "node:net";
import type { Logger } from "pino";
import type { Config } from "../config.js";

/** What the start-up announcement needs besides the configuration. */
export interface AnnounceSignInDeps {
  logger: Logger;
  /** Signs a token for the demo administrator (called in the development profile only). */
  demoToken: () => Promise<string>;
  /** Where the demo token is printed (the terminal of whoever started the server). */
  print: (text: string) => void;
}

/**
 * Says at start how people sign in. Development sign-in gets a warning banner (anyone can sign in as any
 * user) naming the address it is bound to; under the production profile, where only the override
 * allows it, the banner is an error. The demo administrator's token is printed in the development
 * profile only: a production log must never carry a usable token.
 */
export async function announceSignIn(config: Readonly<Config>, deps: AnnounceSignInDeps): Promise<void> {
  if (config.auth.mode !== "development") return;
  const fields = { host: config.host, reachableFromOtherMachines: !isLoopback(config.host) };
  if (config.profile === "production") {
    deps.logger.error(
      fields,
      `ECT_ALLOW_DEVELOPMENT_AUTH_IN_PRODUCTION is set: the production profile runs development sign-in; anyone who reaches ${config.host} can sign in as any user, administrators included`,
    );
    return;
  }
  deps.logger.warn(fields, `development sign-in: anyone can sign in as any user; bound to ${config.host}`);
  deps.print(`\nDemo token for "admin" (Authorization: Bearer …):\n${await deps.demoToken()}\n\n`);
}

function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}
