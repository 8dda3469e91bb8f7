import type { Queryable } from "../../db/db.js";
import {
  INVESTIGATION_SECTIONS,
  type InvestigationSectionName,
  type OtherPerson,
} from "../../domain/investigation/investigation-sections.js";
import { fieldLabel, fieldText, type PrintSection, printDate } from "../../domain/print/print-document.js";
import { loadInvestigationSignatures } from "../investigation/investigation-signatures.js";
import { loadInvestigation } from "../investigation/investigation-store.js";

const TITLES: Record<InvestigationSectionName, string> = {
  report: "Report of investigation (AF 1271): investigating officer",
  legalReview: "Report of investigation: wing judge advocate review",
  appointingAuthorityReview: "Report of investigation: appointing authority review",
};

/** What the report prints when the reader's role may not read it at the case's status. */
const WITHHELD =
  "Not shown: your role may not read the report of investigation at the case's current status.";

/**
 * The formal investigation of a case as printed sections (the appointment, then the report and its reviews
 * with their signature blocks); none when the case has no investigation.
 */
export async function investigationSections(
  db: Queryable,
  caseId: number,
  readable: boolean,
  grades: ReadonlyMap<string, string>,
): Promise<PrintSection[]> {
  const record = await loadInvestigation(db, caseId);
  if (!record) return [];
  const signatures = await loadInvestigationSignatures(db, caseId, record.content);
  const officer = record.officer;
  const appointment: PrintSection = {
    title: "Formal investigation",
    fields: [
      {
        label: "Investigating officer",
        value: `${[officer.rank, officer.first_name, officer.last_name].filter(Boolean).join(" ")} (${officer.unit_name})`,
      },
      { label: "Directed by", value: `${record.directedBy} on ${printDate(record.directedAt)}` },
      { label: "Reason", value: fieldText(record.directReason) },
      { label: "Suspense date", value: record.suspenseDate },
    ],
    paragraphs: [],
    signatures: [],
  };
  const sections = INVESTIGATION_SECTIONS.map((declared): PrintSection => {
    const content = record.content[declared.name];
    const section: PrintSection = {
      title: TITLES[declared.name],
      fields: [],
      paragraphs: [],
      signatures: signatures
        .filter((signature) => signature.sections.includes(declared.name))
        .map((signature) => ({
          name: signature.nameAndRank || signature.signer,
          grade: grades.get(signature.signer) ?? "",
          role: signature.roleName,
          signedAt: signature.signedAt,
          valid: signature.valid,
          invalidatedAt: signature.invalidatedAt ?? undefined,
          invalidatedBy: signature.invalidatedBy,
        })),
    };
    if (!readable) {
      section.withheld = WITHHELD;
      return section;
    }
    for (const field of declared.fields) {
      if (field.type === "otherPersons") {
        for (const person of (content[field.name] ?? []) as readonly OtherPerson[])
          section.paragraphs.push({
            heading: `Other person: ${[person.grade, person.name].filter(Boolean).join(" ")} (${person.unit})`,
            text: person.involvement,
          });
        continue;
      }
      const value =
        field.name === "recommendedFinding" && content[field.name]
          ? `${content[field.name]}: ${record.recommendedFindingDescription}`
          : fieldText(content[field.name]);
      section.fields.push({ label: fieldLabel(field.name), value });
    }
    return section;
  });
  return [appointment, ...sections];
}
