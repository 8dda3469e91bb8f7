import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import { SECTIONS } from "../../domain/form/af348-sections.js";
import { formRoleOf, SECTION_NAMES, type SectionName } from "../../domain/form/form-roles.js";
import {
  fieldLabel,
  fieldText,
  type PrintDocument,
  type PrintField,
  type PrintSection,
  type PrintSignature,
  printDate,
} from "../../domain/print/print-document.js";
import { failedPrecondition } from "../../errors.js";
import type { Form, FormSignature, ReviewerFinding } from "../../gen/ect/v1/form_service_pb.js";
import { Module } from "../../gen/ect/v1/resources_pb.js";
import { actingCaller } from "../cases/acting-caller.js";
import { loadCaseRow } from "../cases/case-queries.js";
import type { CaseRow } from "../cases/case-row.js";
import { formMessage } from "../form/form-message.js";
import { loadFormSignatures } from "../form/form-signatures.js";
import { loadForm } from "../form/form-store.js";
import { investigationSections } from "./investigation-document.js";

/** The printed form's title (legacy Print_sp_Form348). */
export const AF348_TITLE = "AF FORM 348, LINE OF DUTY DETERMINATION";

/** What a section the reader may not see prints instead of its content. */
export const WITHHELD = "Not shown: your role may not read this section at the case's current status.";

const SECTION_TITLES: Record<"member" | "medical" | "unit", string> = {
  member: "Section I: Member information",
  medical: "Section II: Medical",
  unit: "Section III: Unit commander",
};

/** The case's AF 348 as a printed record, built from the Form GetForm returns to the same caller. */
export async function loadPrintedForm(db: Queryable, caller: Caller, caseId: number): Promise<PrintDocument> {
  const row = await loadCaseRow(db, caller, caseId);
  if (row.module_id !== Module.LOD)
    throw failedPrecondition(`cases/${caseId} is a reinvestigation request: it has no AF 348`);
  const acting = actingCaller(caller, row);
  const stored = await loadForm(db, caseId);
  const [signatures, access, roles] = await Promise.all([
    loadFormSignatures(db, caseId, stored.content),
    db.query<{ role_id: number; page_id: number; access: number }>(
      `SELECT role_id, page_id, access FROM page_access
       WHERE workflow_id = $1 AND status_code_id = $2 AND role_id = ANY($3::int[])`,
      [row.workflow_id, row.status_code_id, [caller.roleId, acting.roleId]],
    ),
    db.query<{ id: number; name: string }>("SELECT id, name FROM roles"),
  ]);
  const pageAccess = (roleId: number) =>
    new Map(access.rows.filter((entry) => entry.role_id === roleId).map((e) => [e.page_id, e.access]));
  const form = formMessage({
    caseId,
    version: row.version,
    stored,
    signatures,
    editor: {
      role: formRoleOf(caller.roleId),
      roleName: caller.roleName,
      statusCodeId: row.status_code_id,
      isFinal: row.is_final,
    },
    lockedByOther: false,
    pageAccess: pageAccess(caller.roleId),
    roleNames: new Map(roles.rows.map((entry) => [entry.id, entry.name])),
  });
  const grades = await signerGrades(db, [...new Set(signatures.map((signature) => signature.signer))]);
  const sections = formSections(form, grades);
  if (row.io_user_id !== null) {
    const readable = (pageAccess(acting.roleId).get(INVESTIGATION_PAGE_ID) ?? 0) >= 1;
    sections.push(...(await investigationSections(db, caseId, readable, grades)));
  }
  return { title: AF348_TITLE, caseNumber: row.case_number, summary: caseSummary(row), sections };
}

/** The seeded page of the report of investigation (migration 013), read like the form's pages. */
const INVESTIGATION_PAGE_ID = 11;

function caseSummary(row: CaseRow): PrintField[] {
  const name = [row.last_name, [row.first_name, row.middle_name].filter(Boolean).join(" ")]
    .filter(Boolean)
    .join(", ");
  return [
    { label: "Member", value: `${name} (${row.grade})` },
    { label: "SSN", value: fieldText(row.masked_ssn) },
    { label: "Unit", value: `${row.unit_name} (${row.pas_code})` },
    { label: "Status", value: row.status_description },
    { label: "Printed", value: printDate(new Date()) },
  ];
}

/** The grade of each signer (users.rank → grade_ranks), by username. */
export async function signerGrades(db: Queryable, usernames: string[]): Promise<Map<string, string>> {
  if (usernames.length === 0) return new Map();
  const { rows } = await db.query<{ username: string; grade: string | null }>(
    `SELECT u.username, g.grade FROM users u LEFT JOIN grade_ranks g ON g.rank = u.rank
     WHERE u.username = ANY($1::text[])`,
    [usernames],
  );
  return new Map(rows.map((entry) => [entry.username, entry.grade ?? ""]));
}

/** Every section of the form in order, each signature printed once under the last section it covers. */
function formSections(form: Form, grades: ReadonlyMap<string, string>): PrintSection[] {
  const placed = new Set<number>();
  const signaturesOf = (section: SectionName): PrintSignature[] => {
    const states = form.sections.filter((state) => state.section === section);
    const owned = states
      .flatMap((state) => state.signatures)
      .filter((signature) => lastCovered(signature) === section && !placed.has(signature.id));
    for (const signature of owned) placed.add(signature.id);
    return owned.map((signature) => printSignature(signature, grades));
  };
  const readable = (section: SectionName) =>
    form.sections.find((state) => state.section === section)?.readable ?? false;
  const sections: PrintSection[] = [];
  for (const name of ["member", "medical", "unit"] as const) {
    const content = (form[name] ?? {}) as unknown as Record<string, unknown>;
    const section: PrintSection = {
      title: SECTION_TITLES[name],
      fields: [],
      paragraphs: [],
      signatures: signaturesOf(name),
    };
    if (!readable(name)) section.withheld = WITHHELD;
    else fillFixedSection(section, name, content);
    sections.push(section);
  }
  form.findings.forEach((finding, index) => {
    const name = `findings.${finding.role}` as SectionName;
    const section: PrintSection = {
      title: `Section ${romanNumeral(index + 4)}: ${finding.roleName || fieldLabel(finding.role)} finding`,
      fields: readable(name) ? findingFields(finding) : [],
      paragraphs: [],
      signatures: signaturesOf(name),
    };
    if (!readable(name)) section.withheld = WITHHELD;
    sections.push(section);
  });
  return sections;
}

function fillFixedSection(
  section: PrintSection,
  name: "member" | "medical" | "unit",
  content: Record<string, unknown>,
): void {
  for (const field of SECTIONS[name].fields) {
    if (field.type === "witnesses") continue;
    // The unit's cause prints in words: the id is the list's, the words are what the commander chose.
    if (field.name === "proximateCauseId") {
      section.fields.push({ label: "Proximate cause", value: fieldText(content.proximateCause) });
      continue;
    }
    section.fields.push({ label: fieldLabel(field.name), value: fieldText(content[field.name]) });
  }
  if (name === "unit") {
    const witnesses = (content.witnesses ?? []) as { name: string; contact: string; statement: string }[];
    if (witnesses.length === 0) section.fields.push({ label: "Witnesses", value: "None listed" });
    witnesses.forEach((witness, index) => {
      section.paragraphs.push({
        heading: `Witness ${index + 1}: ${witness.name}${witness.contact ? ` (${witness.contact})` : ""}`,
        text: witness.statement,
      });
    });
  }
}

function findingFields(finding: ReviewerFinding): PrintField[] {
  if (!finding.updatedBy) return [{ label: "Finding", value: "Not recorded" }];
  const fields: PrintField[] = [
    {
      label: "Finding",
      value: finding.finding ? `${finding.finding}: ${finding.findingDescription}` : "None of its own",
    },
  ];
  if (finding.concur !== undefined) fields.push({ label: "Concurs", value: fieldText(finding.concur) });
  if (finding.byReasonOf) fields.push({ label: "By reason of", value: finding.byReasonOf });
  fields.push({ label: "Explanation", value: fieldText(finding.explanation) });
  const when = finding.updateTime ? ` on ${printDate(timestampDate(finding.updateTime))}` : "";
  fields.push({ label: "Recorded by", value: `${finding.updatedBy}${when}` });
  return fields;
}

/** The section, in form order, under which a signature prints: the last one it covers. */
function lastCovered(signature: FormSignature): string {
  const order = SECTION_NAMES as readonly string[];
  return [...signature.sections].sort((a, b) => order.indexOf(a) - order.indexOf(b)).at(-1) ?? "";
}

/** A form signature as a printed signature block. */
function printSignature(signature: FormSignature, grades: ReadonlyMap<string, string>): PrintSignature {
  return {
    name: signature.nameAndRank || signature.signer,
    grade: grades.get(signature.signer) ?? "",
    role: signature.roleName,
    signedAt: signature.signTime ? timestampDate(signature.signTime) : new Date(0),
    valid: signature.valid,
    invalidatedAt: signature.invalidateTime ? timestampDate(signature.invalidateTime) : undefined,
    invalidatedBy: signature.invalidatedBy,
  };
}

function romanNumeral(value: number): string {
  const numerals: [number, string][] = [
    [10, "X"],
    [9, "IX"],
    [5, "V"],
    [4, "IV"],
    [1, "I"],
  ];
  let rest = value;
  let text = "";
  for (const [amount, numeral] of numerals) {
    while (rest >= amount) {
      text += numeral;
      rest -= amount;
    }
  }
  return text;
}
