import { invalidArgument, permissionDenied } from "../../errors.js";
import type { FieldDeclaration } from "../form/field-declarations.js";
import { fieldValue, isBlank } from "../form/field-values.js";
import { conditionHolds } from "../form/missing-required.js";
import {
  INVESTIGATION_SECTIONS,
  type InvestigationContent,
  type InvestigationField,
  type InvestigationSection,
  type InvestigationSectionName,
  type InvestigationValue,
  MAX_OTHER_PERSONS,
  type OtherPerson,
} from "./investigation-sections.js";

/** Who edits: the role they act in on this case (13 for its appointed IO) and where the case stands. */
export interface InvestigationEditor {
  roleId: number;
  roleName: string;
  statusCodeId: number;
  isFinal: boolean;
}

/** Whether the editor may edit the section now: its writing role, at its status. */
export function mayEditSection(section: InvestigationSection, editor: InvestigationEditor): boolean {
  return (
    !editor.isFinal && editor.roleId === section.writerRoleId && editor.statusCodeId === section.statusCodeId
  );
}

/** What an edit asks: `section.field` paths (JSON or proto spelling) and a reader of their new values. */
export interface InvestigationEdit {
  paths: readonly string[];
  /** The raw value sent; undefined clears the field. */
  valueOf: (section: InvestigationSectionName, field: InvestigationField) => unknown;
  /** Today (YYYY-MM-DD), from the service's clock. */
  today: string;
}

/** One changed field. */
export interface InvestigationChange {
  section: InvestigationSectionName;
  field: string;
}

/**
 * Decides an edit: resolves each path (INVALID_ARGUMENT naming update_mask), refuses a section the editor may
 * not edit now (PERMISSION_DENIED naming it), checks each value (INVALID_ARGUMENT naming the field) and date
 * order. Returns the fields that change and the content after the edit.
 */
export function planInvestigationEdit(
  content: InvestigationContent,
  editor: InvestigationEditor,
  edit: InvestigationEdit,
): { changes: InvestigationChange[]; next: InvestigationContent } {
  const targets = resolvePaths(edit.paths);
  for (const { section } of targets) {
    if (!mayEditSection(section, editor))
      throw permissionDenied(
        `${section.name}: your role (${editor.roleName}) may not edit this section while the case is at its current status`,
      );
  }
  const next = Object.fromEntries(
    INVESTIGATION_SECTIONS.map((section) => [section.name, { ...content[section.name] }]),
  ) as Record<InvestigationSectionName, Record<string, InvestigationValue>>;
  for (const { section, field } of targets) {
    const path = `${section.name}.${field.name}`;
    next[section.name][field.name] = storedValue(field, edit.valueOf(section.name, field), path, edit.today);
  }
  for (const section of new Set(targets.map((target) => target.section))) {
    for (const field of section.fields) {
      const value = next[section.name][field.name];
      const earliest = field.notBefore ? next[section.name][field.notBefore] : null;
      if (typeof value === "string" && typeof earliest === "string" && value < earliest)
        throw invalidArgument(
          `${section.name}.${field.name}`,
          `must not be before ${section.name}.${field.notBefore} (${earliest})`,
        );
    }
  }
  const changes = targets
    .filter(
      ({ section, field }) =>
        JSON.stringify(content[section.name][field.name] ?? null) !==
        JSON.stringify(next[section.name][field.name]),
    )
    .map(({ section, field }) => ({ section: section.name, field: field.name }));
  return { changes, next };
}

/** The fields of `section` its writer must fill before forwarding and has not, as `section.field`. */
export function missingInvestigationFields(
  content: InvestigationContent,
  section: InvestigationSection,
): string[] {
  const values = content[section.name];
  return section.fields
    .filter((field) => field.required)
    .filter((field) => !field.requiredWhen || conditionHolds(field.requiredWhen, values as never))
    .filter((field) => isBlank(values[field.name] as never))
    .map((field) => `${section.name}.${field.name}`);
}

function storedValue(
  field: InvestigationField,
  raw: unknown,
  path: string,
  today: string,
): InvestigationValue {
  if (field.type === "otherPersons") return otherPersons(raw, path);
  const declaration: FieldDeclaration = { ...field, type: field.type, writers: [] };
  return fieldValue(declaration, raw, path, today) as string | boolean | null;
}

function otherPersons(raw: unknown, path: string): OtherPerson[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidArgument(path, "must be a list of persons");
  if (raw.length > MAX_OTHER_PERSONS) throw invalidArgument(path, `at most ${MAX_OTHER_PERSONS} persons`);
  return raw.map((entry, index) => {
    const item = (entry ?? {}) as Record<string, unknown>;
    const text = (key: string, max: number) => {
      const value = item[key] ?? "";
      if (typeof value !== "string") throw invalidArgument(`${path}[${index}].${key}`, "must be text");
      if (value.trim().length > max)
        throw invalidArgument(`${path}[${index}].${key}`, `at most ${max} characters`);
      return value.trim();
    };
    const name = text("name", 100);
    if (name === "") throw invalidArgument(`${path}[${index}].name`, "required");
    return {
      name,
      grade: text("grade", 20),
      unit: text("unit", 200),
      involvement: text("involvement", 1000),
    };
  });
}

/** The declared fields the paths name, once each. */
function resolvePaths(
  paths: readonly string[],
): { section: InvestigationSection; field: InvestigationField }[] {
  if (paths.length === 0)
    throw invalidArgument("update_mask", "name at least one field as section.field (e.g. report.place)");
  const seen = new Set<string>();
  const targets: { section: InvestigationSection; field: InvestigationField }[] = [];
  for (const path of paths) {
    const dot = path.indexOf(".");
    const sectionName = snakeToCamel(path.slice(0, dot));
    const fieldName = snakeToCamel(path.slice(dot + 1));
    const section = INVESTIGATION_SECTIONS.find((candidate) => candidate.name === sectionName);
    const field = section?.fields.find((candidate) => candidate.name === fieldName);
    if (dot < 0 || !section || !field)
      throw invalidArgument(
        "update_mask",
        `"${path}" is not a field of the investigation (use section.field, e.g. report.place)`,
      );
    const key = `${section.name}.${field.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push({ section, field });
  }
  return targets;
}

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
