import { SECTIONS } from "./af348-sections.js";
import type { FieldValue, SectionContent } from "./field-declarations.js";
import { SECTION_NAMES, type SectionName } from "./form-roles.js";

/** A case's AF 348 as plain data: each section's content by field JSON name (null: not answered). */
export type FormContent = Readonly<Record<SectionName, SectionContent>>;

/** A form with every declared field present, unset ones null (or an empty witness list). */
export function completeForm(
  partial: Partial<Record<SectionName, Readonly<Record<string, FieldValue>>>>,
): FormContent {
  const form = {} as Record<SectionName, SectionContent>;
  for (const name of SECTION_NAMES) {
    const given = partial[name] ?? {};
    form[name] = Object.fromEntries(
      SECTIONS[name].fields.map((field) => [
        field.name,
        given[field.name] ?? (field.type === "witnesses" ? [] : null),
      ]),
    );
  }
  return form;
}
