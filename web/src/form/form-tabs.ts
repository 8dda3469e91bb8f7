import {
  FINDING_ROLE_KEYS,
  type FindingRoleKey,
  type SectionName,
} from "../../../src/domain/form/form-roles.js";
import type { Form } from "../../../src/gen/ect/v1/form_service_pb.js";
import { investigationFieldTitle } from "../investigation/investigation-fields.js";
import { type FixedSection, type FormField, findingFields, sectionFields } from "./form-fields.js";

/** One tab of the AF 348 and the sections it shows, in order. */
export interface FormTab {
  id: string;
  label: string;
  sections: readonly SectionName[];
}

/** The AF 348 as tabs: the unit commander's finding sits with the unit section, the board's three together. */
export const FORM_TABS: readonly FormTab[] = [
  { id: "member", label: "Member", sections: ["member"] },
  { id: "medical", label: "Medical", sections: ["medical"] },
  { id: "unit", label: "Unit", sections: ["unit", "findings.unitCommander"] },
  { id: "legal", label: "Legal", sections: ["findings.wingJa"] },
  { id: "commander", label: "Commander", sections: ["findings.wingCommander"] },
  {
    id: "board",
    label: "Board",
    sections: ["findings.boardTechnician", "findings.boardMedical", "findings.boardLegal"],
  },
  { id: "determination", label: "Determination", sections: ["findings.approvingAuthority"] },
];

/** Each section's fields, built once (the forms compare them by identity). */
export const FIELDS_OF: Readonly<Record<SectionName, readonly FormField[]>> = Object.fromEntries([
  ...(["member", "medical", "unit"] as const).map((section) => [section, sectionFields(section)]),
  ...FINDING_ROLE_KEYS.map((role) => [`findings.${role}`, findingFields(role)]),
]) as Record<SectionName, readonly FormField[]>;

/** The section a `section.field` path belongs to ("findings.wingJa.concur" → "findings.wingJa"). */
export function sectionOfPath(path: string): string {
  return path.slice(0, path.lastIndexOf("."));
}

/** The tab that shows a field, or undefined for a path the form does not know. */
export function tabOfPath(path: string): FormTab | undefined {
  const section = sectionOfPath(path);
  return FORM_TABS.find((tab) => tab.sections.some((name) => name === section));
}

/** A field's label with its section, for lists outside the section ("Medical: First treatment date"). */
export function fieldTitle(path: string): string {
  const investigationTitle = investigationFieldTitle(path);
  if (investigationTitle) return investigationTitle;
  const section = sectionOfPath(path) as SectionName;
  const field = FIELDS_OF[section]?.find((candidate) => candidate.path === path);
  const tab = tabOfPath(path);
  return `${tab?.label ?? section}: ${field?.label ?? path}`;
}

/** The tab a caller lands on: the first holding a section they may edit now, else the member tab. */
export function firstTab(form: Form | undefined): string {
  const editable = new Set(form?.sections.filter((state) => state.editable).map((state) => state.section));
  return FORM_TABS.find((tab) => tab.sections.some((section) => editable.has(section)))?.id ?? "member";
}

/** Whether a section is a fixed one (saved with UpdateForm) rather than a reviewer's finding. */
export function isFixedSection(section: SectionName): section is FixedSection {
  return !section.startsWith("findings.");
}

/** The reviewer role of a finding section ("findings.wingJa" → "wingJa"). */
export function findingRoleOf(section: `findings.${FindingRoleKey}`): FindingRoleKey {
  return section.slice("findings.".length) as FindingRoleKey;
}
