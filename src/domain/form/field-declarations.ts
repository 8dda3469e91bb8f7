import type { FormRoleKey } from "./form-roles.js";

/** One witness the unit commander lists. */
export interface Witness {
  name: string;
  contact: string;
  statement: string;
}

/** A stored field value: null when not answered. */
export type FieldValue = string | number | boolean | null | readonly Witness[];

/** A section's content by field JSON name. */
export type SectionContent = Readonly<Record<string, FieldValue>>;

/** The kinds of field the form holds; each has one validation rule (field-values.ts). */
export type FieldType =
  /** Free text, trimmed; empty clears the field. */
  | "text"
  /** One of `values`. */
  | "enum"
  | "boolean"
  /** A calendar date, YYYY-MM-DD. */
  | "date"
  /** An ICD-10-CM code (letter, digit, alphanumeric, then up to four after the dot), stored with the dot. */
  | "icd10Code"
  /** The ICD-10-CM 7th character (encounter or sequela: A, D, S…). */
  | "seventhCharacter"
  /** The id of a row of a seeded list (`reference`), checked against the database by the service. */
  | "reference"
  /** The witness list. */
  | "witnesses";

/** A condition on another field of the same section: true when that field holds one of `equals`. */
export interface FieldCondition {
  field: string;
  equals: readonly (string | number | boolean)[];
}

/** One field of a section, declared once: its JSON name, type, limits, who writes it and for whom it is required. */
export interface FieldDeclaration {
  /** JSON name (lowerCamelCase); the proto field and the column are its snake_case spelling. */
  name: string;
  type: FieldType;
  /** text, and each text of a witness: the longest value accepted. */
  maxLength?: number;
  /** enum: the accepted values. */
  values?: readonly string[];
  /** reference: the seeded list the id must name. */
  reference?: "proximate_causes" | "finding_reasons";
  /** Roles that may write the field (at their statuses, form-roles.ts); empty for recorded data no one edits. */
  writers: readonly FormRoleKey[];
  /** Roles that must have filled the field before they forward the case. */
  requiredOf?: readonly FormRoleKey[];
  /** Required only when this holds (e.g. the test result when the test was done). */
  requiredWhen?: FieldCondition;
  /** date: not after today. */
  notFuture?: boolean;
  /** date: not before the date in this other field of the section. */
  notBefore?: string;
}

/** A section: its fields and the page (seeded page access) that governs who may read it. */
export interface SectionDeclaration {
  fields: readonly FieldDeclaration[];
  /** pages.id whose page_access (≥ 1) lets a role read the section at a status. */
  pageId: number;
}

/** A field of a section by JSON or proto (snake_case) name. */
export function findField(section: SectionDeclaration, name: string): FieldDeclaration | undefined {
  return section.fields.find((field) => field.name === name || snakeCase(field.name) === name);
}

/** The snake_case spelling of a JSON name: the proto field name and the column name. */
export function snakeCase(jsonName: string): string {
  return jsonName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
