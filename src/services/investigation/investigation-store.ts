import type { Queryable } from "../../db/db.js";
import { snakeCase } from "../../domain/form/field-declarations.js";
import {
  completeContent,
  INVESTIGATION_SECTIONS,
  type InvestigationContent,
  type InvestigationSectionName,
  type InvestigationValue,
  type OtherPerson,
} from "../../domain/investigation/investigation-sections.js";
import type { InvestigationChange } from "../../domain/investigation/plan-investigation-edit.js";

/** The table behind each section (one row per investigation). */
const TABLES: Record<InvestigationSectionName, string> = {
  report: "investigation_reports",
  legalReview: "formal_legal_reviews",
  appointingAuthorityReview: "formal_appointing_authority_reviews",
};

/** Who last wrote a section, and when. */
export interface SectionStamp {
  updatedBy: string;
  updatedAt: Date;
}

/** A user as an investigating officer. */
export interface OfficerRow {
  user_id: number;
  username: string;
  rank: string;
  first_name: string;
  last_name: string;
  grade: string | null;
  unit_id: number;
  unit_name: string;
}

/** An investigation as stored: its header, appointment history, extensions and section content. */
export interface InvestigationRecord {
  caseId: number;
  directedBy: string;
  directedAt: Date;
  directReason: string;
  suspenseDate: string;
  officer: OfficerRow;
  appointments: {
    officer: OfficerRow;
    appointedBy: string;
    appointedAt: Date;
    reason: string;
    suspenseDate: string;
    endedAt: Date | null;
  }[];
  extensions: {
    previousSuspenseDate: string;
    suspenseDate: string;
    reason: string;
    extendedBy: string;
    extendedAt: Date;
  }[];
  content: InvestigationContent;
  stamps: Partial<Record<InvestigationSectionName, SectionStamp>>;
  /** The IO's recommended finding in words (findings.description); empty while none is recommended. */
  recommendedFindingDescription: string;
}

/** The columns of an officer (alias `o` for users, `ou` for units), with the grade their rank carries. */
export const OFFICER_COLUMNS = `o.id AS user_id, o.username, o.rank, o.first_name, o.last_name,
  (SELECT g.grade FROM grade_ranks g WHERE g.rank = o.rank) AS grade, o.unit_id, ou.name AS unit_name`;

/** The investigation of a case, or undefined when it has none. */
export async function loadInvestigation(
  db: Queryable,
  caseId: number,
): Promise<InvestigationRecord | undefined> {
  const head = await db.query<
    OfficerRow & { directed_by: string; directed_at: Date; direct_reason: string; suspense_date: string }
  >(
    `SELECT d.username AS directed_by, i.directed_at, i.direct_reason,
            to_char(i.suspense_date, 'YYYY-MM-DD') AS suspense_date, ${OFFICER_COLUMNS}
     FROM investigations i JOIN users d ON d.id = i.directed_by
     JOIN users o ON o.id = i.io_user_id JOIN units ou ON ou.id = o.unit_id
     WHERE i.case_id = $1`,
    [caseId],
  );
  if (head.rows.length === 0) return undefined;
  const h = head.rows[0];
  const appointments = await db.query<
    OfficerRow & {
      appointed_by: string;
      appointed_at: Date;
      reason: string;
      suspense_date: string;
      ended_at: Date | null;
    }
  >(
    `SELECT b.username AS appointed_by, a.appointed_at, a.reason, to_char(a.suspense_date, 'YYYY-MM-DD') AS suspense_date,
            a.ended_at, ${OFFICER_COLUMNS}
     FROM investigation_appointments a JOIN users b ON b.id = a.appointed_by
     JOIN users o ON o.id = a.io_user_id JOIN units ou ON ou.id = o.unit_id
     WHERE a.case_id = $1 ORDER BY a.id`,
    [caseId],
  );
  const extensions = await db.query<{
    previous_suspense_date: string;
    suspense_date: string;
    reason: string;
    extended_by: string;
    extended_at: Date;
  }>(
    `SELECT to_char(e.previous_suspense_date, 'YYYY-MM-DD') AS previous_suspense_date,
            to_char(e.suspense_date, 'YYYY-MM-DD') AS suspense_date, e.reason, u.username AS extended_by, e.extended_at
     FROM suspense_extensions e JOIN users u ON u.id = e.extended_by WHERE e.case_id = $1 ORDER BY e.id`,
    [caseId],
  );
  const { content, stamps } = await loadContent(db, caseId);
  const finding = await db.query<{ description: string }>(
    `SELECT f.description FROM investigation_reports r JOIN findings f ON f.code = r.recommended_finding
     WHERE r.case_id = $1`,
    [caseId],
  );
  return {
    recommendedFindingDescription: finding.rows[0]?.description ?? "",
    caseId,
    directedBy: h.directed_by,
    directedAt: new Date(h.directed_at),
    directReason: h.direct_reason,
    suspenseDate: h.suspense_date,
    officer: h,
    appointments: appointments.rows.map((row) => ({
      officer: row,
      appointedBy: row.appointed_by,
      appointedAt: new Date(row.appointed_at),
      reason: row.reason,
      suspenseDate: row.suspense_date,
      endedAt: row.ended_at ? new Date(row.ended_at) : null,
    })),
    extensions: extensions.rows.map((row) => ({
      previousSuspenseDate: row.previous_suspense_date,
      suspenseDate: row.suspense_date,
      reason: row.reason,
      extendedBy: row.extended_by,
      extendedAt: new Date(row.extended_at),
    })),
    content,
    stamps,
  };
}

/** The sections' content (dates as YYYY-MM-DD) and who wrote each last. */
export async function loadContent(
  db: Queryable,
  caseId: number,
): Promise<{
  content: InvestigationContent;
  stamps: Partial<Record<InvestigationSectionName, SectionStamp>>;
}> {
  const partial: Partial<Record<InvestigationSectionName, Record<string, InvestigationValue>>> = {};
  const stamps: Partial<Record<InvestigationSectionName, SectionStamp>> = {};
  for (const section of INVESTIGATION_SECTIONS) {
    const columns = section.fields
      .filter((field) => field.type !== "otherPersons")
      .map((field) =>
        field.type === "date"
          ? `to_char(s.${snakeCase(field.name)}, 'YYYY-MM-DD') AS "${field.name}"`
          : `s.${snakeCase(field.name)} AS "${field.name}"`,
      );
    const { rows } = await db.query<
      Record<string, InvestigationValue> & { updated_by: string; updated_at: Date }
    >(
      `SELECT ${columns.join(", ")}, u.username AS updated_by, s.updated_at
       FROM ${TABLES[section.name]} s LEFT JOIN users u ON u.id = s.updated_by WHERE s.case_id = $1`,
      [caseId],
    );
    if (rows.length === 0) continue;
    const { updated_by, updated_at, ...values } = rows[0];
    partial[section.name] = values;
    stamps[section.name] = { updatedBy: updated_by ?? "", updatedAt: new Date(updated_at) };
  }
  const persons = await db.query<OtherPerson>(
    "SELECT name, grade, unit, involvement FROM investigation_other_persons WHERE case_id = $1 ORDER BY position",
    [caseId],
  );
  partial.report = { ...(partial.report ?? {}), otherPersons: persons.rows };
  return { content: completeContent(partial), stamps };
}

/** Writes the changed fields of each section (the row is created on its first write), by `userId`. */
export async function writeChanges(
  tx: Queryable,
  caseId: number,
  changes: readonly InvestigationChange[],
  next: InvestigationContent,
  userId: number,
): Promise<void> {
  for (const section of INVESTIGATION_SECTIONS) {
    const fields = changes.filter((change) => change.section === section.name).map((change) => change.field);
    if (fields.length === 0) continue;
    const columns = fields.filter((field) => field !== "otherPersons");
    const values = columns.map((field) => next[section.name][field]);
    await tx.query(
      `INSERT INTO ${TABLES[section.name]} (case_id, updated_by, updated_at${columns.map((c) => `, ${snakeCase(c)}`).join("")})
       VALUES ($1, $2, now()${columns.map((_, i) => `, $${i + 3}`).join("")})
       ON CONFLICT (case_id) DO UPDATE SET updated_by = $2, updated_at = now()${columns
         .map((c, i) => `, ${snakeCase(c)} = $${i + 3}`)
         .join("")}`,
      [caseId, userId, ...values],
    );
    if (fields.includes("otherPersons")) {
      await tx.query("DELETE FROM investigation_other_persons WHERE case_id = $1", [caseId]);
      const persons = next.report.otherPersons as readonly OtherPerson[];
      for (const [position, person] of persons.entries()) {
        await tx.query(
          `INSERT INTO investigation_other_persons (case_id, position, name, grade, unit, involvement)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [caseId, position, person.name, person.grade, person.unit, person.involvement],
        );
      }
    }
  }
}
