/**
 * The correlation id format of REQUIREMENTS §4, shared by the server and the client SDK (browser-safe:
 * Web Crypto only, no Node imports).
 */

/** Header and gRPC metadata key of the correlation id. */
export const CORRELATION_HEADER = "x-correlation-id";

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** True for an id kept as sent: 1–128 characters of [A-Za-z0-9._:-]. */
export function isValidCorrelationId(id: string): boolean {
  return VALID_ID.test(id);
}

/** A fresh id `corr-<UTC yyyyMMddHHmmss>-<32 hex>`. */
export function newCorrelationId(
  now: Date = new Date(),
  randomBytes: (n: number) => Uint8Array = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
): string {
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
  const hex = Array.from(randomBytes(16), (b) => b.toString(16).padStart(2, "0")).join("");
  return `corr-${stamp}-${hex}`;
}
