import { BlockList, isIP } from "node:net";
import { ConfigError } from "../config.js";

/**
 * The address a request comes from, given its socket peer and its X-Forwarded-For header (as Node
 * hands it over: one string, a list, or nothing).
 */
export type ClientAddress = (
  peer: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
) => string;

/**
 * Resolves client addresses for rate limits, connection caps and audit. The socket peer is the client,
 * unless the peer is one of `trustedProxies` (addresses or CIDR ranges, ECT_TRUSTED_PROXIES): then the
 * client is the right-most X-Forwarded-For entry that is not itself a trusted proxy. Entries to its left
 * were written by whoever sent the request and are never believed.
 */
export function clientAddress(trustedProxies: readonly string[]): ClientAddress {
  const isTrusted = trustedProxyCheck(trustedProxies);
  return (peer, forwardedFor) => {
    const socket = normaliseAddress(peer ?? "");
    if (forwardedFor === undefined || !isTrusted(socket)) return socket;
    const hops = (typeof forwardedFor === "string" ? [forwardedFor] : forwardedFor)
      .join(",")
      .split(",")
      .map(normaliseAddress);
    // Walk from the nearest hop outwards: each trusted proxy vouches for the hop to its left.
    let vouched = socket;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i];
      // Not an address: the client wrote it. The last address a trusted proxy saw is all we know.
      if (isIP(hop) === 0) return vouched;
      if (!isTrusted(hop)) return hop;
      vouched = hop;
    }
    return vouched;
  };
}

/** A predicate telling whether an address is one of the trusted proxies. */
export function trustedProxyCheck(trustedProxies: readonly string[]): (address: string) => boolean {
  if (trustedProxies.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of trustedProxies) {
    const [address, prefix, extra] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    if (
      family === 0 ||
      extra !== undefined ||
      (bits !== undefined && (!/^\d{1,3}$/.test(prefix) || bits > maxBits))
    ) {
      throw new ConfigError(
        `ECT_TRUSTED_PROXIES must list IP addresses or CIDR ranges (10.0.0.0/8), got "${entry}"`,
      );
    }
    const type = family === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
  };
}

/**
 * One address in its plain form: no brackets or port, IPv4-mapped IPv6 (`::ffff:10.0.0.1`, as a
 * dual-stack socket reports IPv4 peers) as IPv4, lower case. Anything else comes back trimmed.
 */
export function normaliseAddress(raw: string): string {
  let address = raw.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/.exec(address);
  return mapped ? mapped[1] : address;
}
