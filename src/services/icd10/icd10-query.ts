import { invalidArgument } from "../../errors.js";

/** What an ICD-10-CM search asks for; an empty query (no prefix, no words) lists every code. */
export interface Icd10Query {
  /** A code prefix as CMS writes codes (upper case, no dot), when the query can be the start of a code. */
  codePrefix?: string;
  /** Lower-case words, each to match the start of a word of the description; all must match. */
  words: string[];
}

/** Longest query accepted: the longest CMS description has 228 characters (FY2022), a search far fewer. */
export const MAX_QUERY_LENGTH = 100;
/** Most words a query may hold: each is one more condition of the full-text match. */
export const MAX_QUERY_WORDS = 8;

/** A letter, a digit, then up to five more code characters with the dot CMS omits after the third. */
const CODE_PREFIX = /^[A-Z][0-9](?:[0-9A-Z](?:\.?[0-9A-Z]{0,4})?)?$/;
// Control characters are never part of a search, whatever else a person types.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse them
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Parses the `query` of ListIcd10Codes and StreamIcd10Codes: a code prefix with or without the dot
 * ("s62.1", "S621") and the words of a description ("acl sprain", "fract femur"), in any case.
 * INVALID_ARGUMENT naming `query` when it is too long, holds control characters, has too many words,
 * or has no letter or digit at all.
 */
export function parseIcd10Query(raw: string): Icd10Query {
  const query = raw.trim();
  if (query.length > MAX_QUERY_LENGTH)
    throw invalidArgument("query", `at most ${MAX_QUERY_LENGTH} characters`);
  if (CONTROL.test(query)) throw invalidArgument("query", "must not hold control characters");
  if (query === "") return { words: [] };
  const words = query.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  if (words.length === 0) throw invalidArgument("query", "needs a letter or digit to search for");
  if (words.length > MAX_QUERY_WORDS) throw invalidArgument("query", `at most ${MAX_QUERY_WORDS} words`);
  const upper = query.toUpperCase();
  const codePrefix = CODE_PREFIX.test(upper) ? upper.replace(".", "") : undefined;
  return codePrefix ? { codePrefix, words } : { words };
}

/**
 * The tsquery text matching every word as a prefix ("'sprain':* & 'knee':*"). Words are [a-z0-9]+ only,
 * and quoted, so nothing in them is tsquery syntax.
 */
export function prefixTsquery(words: readonly string[]): string {
  return words.map((word) => `'${word}':*`).join(" & ");
}
