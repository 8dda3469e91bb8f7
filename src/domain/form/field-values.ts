import { invalidArgument } from "../../errors.js";
import type { FieldDeclaration, FieldValue, Witness } from "./field-declarations.js";

/** Most witnesses a case lists. */
export const MAX_WITNESSES = 20;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ICD10 = /^([A-Z][0-9][0-9A-Z])\.?([0-9A-Z]{1,4})?$/;

/**
 * Checks one value for a field and returns it as stored: text trimmed (empty → null), ICD-10 codes upper case
 * with the dot. `undefined` or null clears the field. INVALID_ARGUMENT names `path` (e.g. `medical.treatmentDate`).
 * `today` (YYYY-MM-DD) bounds dates that cannot lie in the future.
 */
export function fieldValue(field: FieldDeclaration, raw: unknown, path: string, today: string): FieldValue {
  if (raw === undefined || raw === null) return field.type === "witnesses" ? [] : null;
  switch (field.type) {
    case "text":
      return textValue(raw, path, field.maxLength ?? 4000);
    case "enum": {
      const value = textValue(raw, path, 100);
      if (value !== null && !field.values?.includes(value))
        throw invalidArgument(path, `must be one of ${field.values?.join(", ")}, got "${value}"`);
      return value;
    }
    case "boolean":
      if (typeof raw !== "boolean") throw invalidArgument(path, "must be true or false");
      return raw;
    case "date":
      return dateValue(raw, path, field.notFuture ? today : undefined);
    case "icd10Code": {
      const value = textValue(raw, path, 10)?.toUpperCase().replace(/\s/g, "") ?? null;
      if (value === null) return null;
      const match = ICD10.exec(value);
      if (!match)
        throw invalidArgument(
          path,
          `"${value}" is not an ICD-10-CM code (a letter, two characters, then up to four)`,
        );
      return match[2] ? `${match[1]}.${match[2]}` : match[1];
    }
    case "seventhCharacter": {
      const value = textValue(raw, path, 1)?.toUpperCase() ?? null;
      if (value !== null && !/^[0-9A-Z]$/.test(value))
        throw invalidArgument(path, "must be one letter or digit (A, D, S…)");
      return value;
    }
    case "reference":
      if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 0)
        throw invalidArgument(path, "must be an id from its list");
      return raw === 0 ? null : raw;
    case "witnesses":
      return witnessesValue(raw, path, field.maxLength ?? 4000);
  }
}

function textValue(raw: unknown, path: string, maxLength: number): string | null {
  if (typeof raw !== "string") throw invalidArgument(path, "must be text");
  const value = raw.trim();
  if (value.length > maxLength) throw invalidArgument(path, `at most ${maxLength} characters`);
  return value === "" ? null : value;
}

function dateValue(raw: unknown, path: string, notAfter: string | undefined): string | null {
  const value = textValue(raw, path, 10);
  if (value === null) return null;
  const match = DATE.exec(value);
  const date = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value || date.getUTCFullYear() < 1900)
    throw invalidArgument(path, `must be a date as YYYY-MM-DD, got "${value}"`);
  if (notAfter !== undefined && value > notAfter)
    throw invalidArgument(path, `must not be in the future (${value})`);
  return value;
}

function witnessesValue(raw: unknown, path: string, maxLength: number): Witness[] {
  if (!Array.isArray(raw)) throw invalidArgument(path, "must be a list of witnesses");
  if (raw.length > MAX_WITNESSES) throw invalidArgument(path, `at most ${MAX_WITNESSES} witnesses`);
  return raw.map((entry, index) => {
    const item = (entry ?? {}) as Record<string, unknown>;
    const name = textValue(item.name ?? "", `${path}[${index}].name`, 100);
    if (name === null) throw invalidArgument(`${path}[${index}].name`, "required");
    return {
      name,
      contact: textValue(item.contact ?? "", `${path}[${index}].contact`, 200) ?? "",
      statement: textValue(item.statement ?? "", `${path}[${index}].statement`, maxLength) ?? "",
    };
  });
}

/** Whether a value counts as not answered. */
export function isBlank(value: FieldValue | undefined): boolean {
  return (
    value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)
  );
}
