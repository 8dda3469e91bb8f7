import { createHash } from "node:crypto";
import { SECTIONS } from "./af348-sections.js";
import type { FieldValue } from "./field-declarations.js";
import type { FormContent } from "./form-content.js";
import type { FormRoleKey, SectionName } from "./form-roles.js";

/**
 * The canonical content of the sections a signature covers, as the text that is hashed:
 * `{"<section>":{"<field>":<value>,…},…}` in JSON without whitespace, sections and fields in code-point order
 * of their names, every declared field present (null when not answered), witnesses in their listed order with
 * their keys sorted the same way, dates as YYYY-MM-DD and ICD-10 codes as stored. Who wrote and when is not
 * content: re-saving the same values keeps a signature valid.
 *
 * With a `signer`, only the fields that role may write, and the snapshot fields nobody writes, are content: a
 * signature attests to its role's entries, so the medical officer completing the officer's own items of the
 * medical section leaves the technician's signature standing, while a change to what the technician entered
 * does not.
 */
export function canonicalContent(
  form: FormContent,
  sections: readonly SectionName[],
  signer?: FormRoleKey,
): string {
  const covered: Record<string, Record<string, FieldValue>> = {};
  for (const name of [...new Set(sections)].sort()) {
    const content = form[name] ?? {};
    const fields = SECTIONS[name].fields.filter(
      (field) => signer === undefined || field.writers.length === 0 || field.writers.includes(signer),
    );
    covered[name] = Object.fromEntries(
      fields.map((field) => [field.name, content[field.name] ?? (field.type === "witnesses" ? [] : null)]),
    );
  }
  return stableJson(covered);
}

/** SHA-256 (lower-case hex) of the UTF-8 canonical content of the sections (canonicalContent). */
export function contentSha256(
  form: FormContent,
  sections: readonly SectionName[],
  signer?: FormRoleKey,
): string {
  return createHash("sha256")
    .update(canonicalContent(form, sections, signer), "utf8")
    .digest("hex");
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
