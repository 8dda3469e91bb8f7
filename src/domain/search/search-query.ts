import { invalidArgument } from "../../errors.js";

/**
 * What the one search box holds, told apart by its shape: a full SSN (9 digits, dashes allowed), the last
 * four SSN digits, a case number or its prefix (5 or more letters, digits and dashes, at least one digit),
 * member name words (no digits), or nothing (filters only).
 */
export type SearchQuery =
  | { readonly kind: "none" }
  | { readonly kind: "ssn"; readonly ssn: string }
  | { readonly kind: "last4"; readonly last4: string }
  | { readonly kind: "caseNumber"; readonly prefix: string }
  | { readonly kind: "name"; readonly words: readonly string[] };

/** Longest query accepted. */
const MAX_QUERY = 100;
/** Most name words matched (each one more condition). */
const MAX_WORDS = 4;

/**
 * Reads the search box (INVALID_ARGUMENT naming `query`). Name words are lower-cased; at least one must have
 * 3 letters, so the trigram index can find it. The query itself never appears in an error message: it may
 * be an SSN.
 */
export function parseSearchQuery(raw: string): SearchQuery {
  const query = raw.trim();
  if (query === "") return { kind: "none" };
  if (query.length > MAX_QUERY) throw invalidArgument("query", `at most ${MAX_QUERY} characters`);
  if (/^\d{3}-?\d{2}-?\d{4}$/.test(query)) return { kind: "ssn", ssn: query.replaceAll("-", "") };
  if (/^\d{4}$/.test(query)) return { kind: "last4", last4: query };
  // Case numbers hold digits, dashes and capitals ("20261126-000042", "20260903-F000009"); names hold no digits.
  if (/\d/.test(query) && /^[A-Za-z0-9-]{5,}$/.test(query))
    return { kind: "caseNumber", prefix: query.toUpperCase() };
  const words = query
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((word) => word !== "");
  if (!words.every((word) => /^[\p{L}][\p{L}'.-]*$/u.test(word))) {
    throw invalidArgument(
      "query",
      "a case number, a member name, or the last four or all nine digits of an SSN",
    );
  }
  if (words.length > MAX_WORDS) throw invalidArgument("query", `at most ${MAX_WORDS} name words`);
  if (!words.some((word) => word.length >= 3)) {
    throw invalidArgument("query", "a name needs a word of at least 3 letters");
  }
  return { kind: "name", words };
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards in it escaped. */
export function containsPattern(text: string): string {
  return `%${likeEscaped(text)}%`;
}

/** A LIKE pattern matching values that start with `text`. */
export function prefixPattern(text: string): string {
  return `${likeEscaped(text)}%`;
}

function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

/** The last four digits of an SSN, the only part of one an audit row or a log may hold. */
export function ssnLastFour(ssn: string): string {
  return ssn.slice(-4);
}

/** An optional filter date (YYYY-MM-DD, a real date); undefined when empty, INVALID_ARGUMENT naming the field otherwise. */
export function filterDate(field: string, value: string): string | undefined {
  if (value === "") return undefined;
  const time = Date.parse(`${value}T00:00:00Z`);
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(time) &&
    new Date(time).toISOString().startsWith(value);
  if (!valid) throw invalidArgument(field, `must be a date as YYYY-MM-DD, got "${value.slice(0, 20)}"`);
  return value;
}

/** A date range from two optional filter dates; INVALID_ARGUMENT naming `toField` when it ends before it starts. */
export function dateRange(
  fromField: string,
  from: string,
  toField: string,
  to: string,
): { from?: string; to?: string } {
  const start = filterDate(fromField, from);
  const end = filterDate(toField, to);
  if (start && end && end < start) throw invalidArgument(toField, `must not be before ${fromField}`);
  return { from: start, to: end };
}
