import type { HandlerContext } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller-context.js";
import { invalidArgument } from "../../errors.js";
import { callerOf } from "../call-caller.js";

/** An optional id filter: unset or 0 means "any" (null); a negative or fractional value is refused. */
export function optionalId(field: string, value: number | undefined): number | null {
  if (value === undefined || value === 0) return null;
  if (!Number.isInteger(value) || value < 0) throw invalidArgument(field, "must be a positive id");
  return value;
}

/** A required positive id. */
export function requiredId(field: string, value: number | undefined): number {
  const id = optionalId(field, value);
  if (id === null) throw invalidArgument(field, "required: a positive id");
  return id;
}

/** Optional free text, trimmed: empty means "any" (null). */
export function optionalText(field: string, value: string | undefined, max = 200): string | null {
  const text = (value ?? "").trim();
  if (text.length > max) throw invalidArgument(field, `at most ${max} characters`);
  return text === "" ? null : text;
}

/** Required free text, trimmed, 1–max characters. */
export function requiredText(field: string, value: string | undefined, max = 200): string {
  const text = optionalText(field, value, max);
  if (text === null) throw invalidArgument(field, "required");
  return text;
}

/** A component code: one character; empty or "0" (all components) means "any" (null). */
export function optionalCompo(field: string, value: string | number | undefined): string | null {
  const code = String(value ?? "").trim();
  if (code === "" || code === "0") return null;
  if (!/^[0-9A-Za-z]$/.test(code))
    throw invalidArgument(field, "must be a one-character component code such as 6");
  return code;
}

/** An SSN filter: all nine digits or the last four; dashes are ignored. */
export function optionalSsn(field: string, value: string | undefined): string | null {
  const digits = (value ?? "").replace(/-/g, "").trim();
  if (digits === "") return null;
  if (!/^(\d{4}|\d{9})$/.test(digits)) throw invalidArgument(field, "must be 9 digits or the last 4");
  return digits;
}

/** A LIKE pattern matching `text` literally, with `%`/`_`/`\` escaped, as a prefix or a substring. */
export function likePattern(text: string, where: "prefix" | "substring"): string {
  const escaped = text.replace(/[\\%_]/g, (char) => `\\${char}`);
  return where === "prefix" ? `${escaped}%` : `%${escaped}%`;
}

/** An optional ISO-8601 date or date-time; INVALID_ARGUMENT when it does not parse. */
export function optionalDate(field: string, value: string | undefined): Date | null {
  const text = (value ?? "").trim();
  if (text === "") return null;
  const date = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw invalidArgument(field, `must be an ISO-8601 date such as 2025-01-31, got "${text}"`);
  return date;
}

/** True for callers that administer users or workflows: their lookups are not limited to their units. */
export function isAdministrator(caller: Caller): boolean {
  return caller.permissions.has("userAdmin") || caller.permissions.has("workflowAdmin");
}

/** The unit whose subtree bounds the caller's case reads, or null for administrators (everything). */
export function unitScope(context: HandlerContext): number | null {
  const caller = callerOf(context);
  return isAdministrator(caller) ? null : caller.unitId;
}

/** SQL of an ISO-8601 UTC rendering of a timestamptz expression (the contract's dates are strings). */
export function iso(expression: string): string {
  return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** SQL condition: the unit column lies in the subtree of the unit parameter, or the parameter is NULL. */
export function inScope(unitColumn: string, param: string): string {
  return `(${param}::int IS NULL OR ${unitColumn} IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = ${param}::int))`;
}
