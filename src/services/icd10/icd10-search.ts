import type { MessageInitShape } from "@bufbuild/protobuf";
import type { KeysetQuery } from "../../db/keyset.js";
import { invalidArgument } from "../../errors.js";
import type { Icd10CodeSchema } from "../../gen/ect/v1/icd10_service_pb.js";
import { type Icd10Query, prefixTsquery } from "./icd10-query.js";

/** One row of icd10_codes as the search reads it. */
export interface Icd10Row {
  code: string;
  display_code: string;
  description: string;
  billable: boolean;
}

/** What a search reads: the parsed query, and whether category headers are left out. */
export interface Icd10Search {
  query: Icd10Query;
  billableOnly: boolean;
}

/**
 * The search as keyset pages in code order: a code prefix is a range of the primary key, words go
 * through the GIN index on the description's words; with both, a code matches either way.
 */
export function icd10KeysetQuery(search: Icd10Search): KeysetQuery<Icd10Row, string> {
  const { codePrefix, words } = search.query;
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const matches: string[] = [];
  if (codePrefix) matches.push(`code LIKE ${bind(`${codePrefix}%`)}`);
  if (words.length > 0) matches.push(`words @@ to_tsquery('simple', ${bind(prefixTsquery(words))})`);
  const conditions = [
    matches.length > 0 ? `(${matches.join(" OR ")})` : "",
    search.billableOnly ? "billable" : "",
  ];
  const filter = conditions
    .filter(Boolean)
    .map((condition) => ` AND ${condition}`)
    .join("");
  const after = `$${params.length + 1}`;
  const limit = `$${params.length + 2}`;
  const sql = `SELECT code, display_code, description, billable FROM icd10_codes
               WHERE code > ${after}${filter} ORDER BY code LIMIT ${limit}`;
  return {
    // Every code is longer than '', so the first page starts after the empty string.
    page: (afterCode, rows) => ({ sql, params: [...params, afterCode ?? "", rows] }),
    keyOf: (row) => row.code,
  };
}

/** One row as an ect.v1.Icd10Code. */
export function icd10Item(row: Icd10Row): MessageInitShape<typeof Icd10CodeSchema> {
  return {
    name: `icd10Codes/${row.code}`,
    code: row.code,
    displayCode: row.display_code,
    description: row.description,
    billable: row.billable,
  };
}

/** The page token of ListIcd10Codes: the last code of the page, opaque to clients. */
export function encodeIcd10PageToken(lastCode: string): string {
  return Buffer.from(JSON.stringify({ c: lastCode })).toString("base64url");
}

/** Reads a token of encodeIcd10PageToken; INVALID_ARGUMENT naming the field for anything else. */
export function decodeIcd10PageToken(field: string, token: string): string | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { c?: unknown };
    if (typeof parsed.c === "string" && /^[A-Z][0-9][0-9A-Z]{1,5}$/.test(parsed.c)) return parsed.c;
  } catch {
    // not JSON: reported below like any other foreign token
  }
  throw invalidArgument(field, "not a token from a previous response");
}
