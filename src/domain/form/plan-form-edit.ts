import { invalidArgument, permissionDenied } from "../../errors.js";
import { SECTIONS } from "./af348-sections.js";
import { type FieldDeclaration, type FieldValue, findField } from "./field-declarations.js";
import { fieldValue } from "./field-values.js";
import type { FormContent } from "./form-content.js";
import { type FormRole, SECTION_NAMES, type SectionName } from "./form-roles.js";

/** Who edits, and where the case stands. */
export interface FormEditor {
  /** The caller's form role; undefined for roles with no part in the form. */
  role: FormRole | undefined;
  /** The caller's role name, for messages. */
  roleName: string;
  /** The case's current LOD status code, and whether it is final. */
  statusCodeId: number;
  isFinal: boolean;
}

/** One field an edit changes. */
export interface FieldChange {
  section: SectionName;
  field: string;
  before: FieldValue;
  after: FieldValue;
}

/** What an edit asks: the fields (`section.field`, JSON or proto spelling) and a reader of their new values. */
export interface FormEdit {
  paths: readonly string[];
  /** The raw value sent for a field; undefined clears it. */
  valueOf: (section: SectionName, field: FieldDeclaration) => unknown;
  /** How errors name a field (default `section.field`; RecordFinding says `finding.field`). */
  fieldPath?: (section: SectionName, field: string) => string;
  /** Today, YYYY-MM-DD: dates that cannot lie in the future are bounded by it. */
  today: string;
}

/** True when the role may edit the section now: it writes some field of it, at the case's current status. */
export function maySectionEdit(section: SectionName, editor: FormEditor): boolean {
  const { role } = editor;
  if (!role || editor.isFinal || !role.writesAtStatusCodeIds.includes(editor.statusCodeId)) return false;
  return SECTIONS[section].fields.some((field) => field.writers.includes(role.key));
}

/**
 * Decides an edit of the form: resolves each path (INVALID_ARGUMENT naming `update_mask` for an unknown one),
 * refuses a section the editor may not edit now (PERMISSION_DENIED naming the section) or a field of it the
 * role does not write (naming the field), checks each value (INVALID_ARGUMENT naming the field) and the
 * date order within the section. Returns the fields that really change and the form after the edit.
 */
export function planFormEdit(
  form: FormContent,
  editor: FormEditor,
  edit: FormEdit,
): { changes: FieldChange[]; next: FormContent } {
  const name = edit.fieldPath ?? ((section: SectionName, field: string) => `${section}.${field}`);
  const targets = resolvePaths(edit.paths);
  for (const { section, field } of targets) {
    if (!maySectionEdit(section, editor)) {
      throw permissionDenied(
        `${section}: your role (${editor.roleName}) may not edit this section while the case is at its current status`,
      );
    }
    if (!field.writers.includes(editor.role!.key)) {
      throw permissionDenied(
        `${name(section, field.name)}: your role (${editor.roleName}) does not write this field`,
      );
    }
  }
  const next: Record<SectionName, Record<string, FieldValue>> = Object.fromEntries(
    SECTION_NAMES.map((section) => [section, { ...form[section] }]),
  ) as Record<SectionName, Record<string, FieldValue>>;
  for (const { section, field } of targets) {
    next[section][field.name] = fieldValue(
      field,
      edit.valueOf(section, field),
      name(section, field.name),
      edit.today,
    );
  }
  for (const section of new Set(targets.map((target) => target.section))) {
    for (const field of SECTIONS[section].fields) {
      const other = field.notBefore;
      const value = next[section][field.name];
      const earliest = other ? next[section][other] : null;
      if (typeof value === "string" && typeof earliest === "string" && value < earliest)
        throw invalidArgument(
          name(section, field.name),
          `must not be before ${name(section, other!)} (${earliest})`,
        );
    }
  }
  const changes = targets
    .map(({ section, field }) => ({
      section,
      field: field.name,
      before: form[section]?.[field.name] ?? null,
      after: next[section][field.name],
    }))
    .filter((change) => JSON.stringify(change.before) !== JSON.stringify(change.after));
  return { changes, next };
}

/** The declared fields the paths name, once each, in the order given. */
function resolvePaths(paths: readonly string[]): { section: SectionName; field: FieldDeclaration }[] {
  if (paths.length === 0) throw invalidArgument("update_mask", "name at least one field as section.field");
  const seen = new Set<string>();
  const targets: { section: SectionName; field: FieldDeclaration }[] = [];
  for (const path of paths) {
    const dot = path.lastIndexOf(".");
    const section = SECTION_NAMES.find((candidate) => candidate === path.slice(0, dot));
    const field = section ? findField(SECTIONS[section], path.slice(dot + 1)) : undefined;
    if (!section || !field)
      throw invalidArgument(
        "update_mask",
        `"${path}" is not a field of the form (use section.field, e.g. medical.treatmentDate)`,
      );
    const key = `${section}.${field.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push({ section, field });
  }
  return targets;
}
