import { invalidArgument } from "../errors.js";

/** Parses a resource name "<collection>/<positive int>"; INVALID_ARGUMENT naming the field otherwise. */
export function resourceId(field: string, name: string, collection = "cases"): number {
  const match = new RegExp(`^${collection}/(\\d{1,9})$`).exec(name);
  if (!name) throw invalidArgument(field, `required (e.g. "${collection}/42")`);
  if (!match || Number(match[1]) < 1)
    throw invalidArgument(field, `must look like "${collection}/42", got "${name}"`);
  return Number(match[1]);
}

/** A required or optional text field with length bounds, trimmed. */
export function text(field: string, value: string, bounds: { min?: number; max: number }): string {
  const trimmed = value.trim();
  const min = bounds.min ?? 0;
  if (trimmed.length < min)
    throw invalidArgument(field, min === 1 ? "required" : `at least ${min} characters`);
  if (trimmed.length > bounds.max) throw invalidArgument(field, `at most ${bounds.max} characters`);
  return trimmed;
}

/** A positive id (1 or more). */
export function positiveId(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw invalidArgument(field, "required: a positive id");
  return value;
}

/** A page size within 1–max where 0 means the default. */
export function pageSize(field: string, value: number, fallback: number, max = 1000): number {
  if (value === 0) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw invalidArgument(field, `must be 1–${max}`);
  return value;
}

/** Encodes the keyset position of the next page as an opaque token. */
export function encodePageToken(after: number | string): string {
  return Buffer.from(JSON.stringify({ a: after })).toString("base64url");
}

/** Decodes a page token from encodePageToken; INVALID_ARGUMENT if it was not one. */
export function decodePageToken(field: string, token: string): number | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { a?: unknown };
    if (typeof parsed.a === "number" && Number.isSafeInteger(parsed.a)) return parsed.a;
  } catch {
    // fall through to the error below
  }
  throw invalidArgument(field, "not a token from a previous response");
}

/** An idempotency key: empty, or 1–64 characters of [A-Za-z0-9._:-]. */
export function requestId(field: string, value: string): string | undefined {
  if (!value) return undefined;
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(value))
    throw invalidArgument(field, "1–64 characters of A-Z a-z 0-9 . _ : -");
  return value;
}
