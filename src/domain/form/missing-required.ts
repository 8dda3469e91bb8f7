import { SECTIONS } from "./af348-sections.js";
import type { FieldCondition, SectionContent } from "./field-declarations.js";
import { isBlank } from "./field-values.js";
import type { FormContent } from "./form-content.js";
import { type FormRoleKey, SECTION_NAMES } from "./form-roles.js";

/**
 * The fields `role` must fill before it forwards the case and has not, as `section.field` JSON names
 * (`medical.treatmentDate`, `findings.wingJa.concur`), in form order. A conditional requirement counts only
 * while its condition holds (the alcohol test result once the test is marked done).
 */
export function missingRequired(form: FormContent, role: FormRoleKey): string[] {
  const missing: string[] = [];
  for (const name of SECTION_NAMES) {
    const content = form[name] ?? {};
    for (const field of SECTIONS[name].fields) {
      if (!field.requiredOf?.includes(role)) continue;
      if (field.requiredWhen && !conditionHolds(field.requiredWhen, content)) continue;
      if (isBlank(content[field.name])) missing.push(`${name}.${field.name}`);
    }
  }
  return missing;
}

/** Whether another field of the section holds one of the condition's values. */
export function conditionHolds(condition: FieldCondition, content: SectionContent): boolean {
  const value = content[condition.field];
  return condition.equals.some((expected) => expected === value);
}
