import { createHash } from "node:crypto";
import { SECTIONS } from "./af348-sections.js";
import type { FieldValue } from "./field-declarations.js";
import type { FormContent } from "./form-content.js";
import type { SectionName } from "./form-roles.js";

/**
 * The canonical content of the sections a signature covers, as the text that is hashed:
 * `{"<section>":{"<field>":<value>,…},…}` in JSON without whitespace, sections and fields in code-point order
 * of their names, every declared field present (null when not answered), witnesses in their listed order with
 * their keys sorted the same way, dates as YYYY-MM-DD and ICD-10 codes as stored. Who wrote and when is not
 * content: re-saving the same values keeps a signature valid.
 */
export function canonicalContent(form: FormContent, sections: readonly SectionName[]): string {
  const covered: Record<string, Record<string, FieldValue>> = {};
  for (const name of [...new Set(sections)].sort()) {
    const content = form[name] ?? {};
    covered[name] = Object.fromEntries(
      SECTIONS[name].fields.map((field) => [
        field.name,
        content[field.name] ?? (field.type === "witnesses" ? [] : null),
      ]),
    );
  }
  return stableJson(covered);
}

/** SHA-256 (lower-case hex) of the UTF-8 canonical content of the sections (canonicalContent). */
export function contentSha256(form: FormContent, sections: readonly SectionName[]): string {
  return createHash("sha256").update(canonicalContent(form, sections), "utf8").digest("hex");
}

/** JSON with object keys sorted at every level. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
