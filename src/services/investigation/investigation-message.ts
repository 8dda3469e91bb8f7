import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  INVESTIGATION_SECTIONS,
  type InvestigationContent,
  type OtherPerson,
} from "../../domain/investigation/investigation-sections.js";
import {
  type InvestigationEditor,
  mayEditSection,
  missingInvestigationFields,
} from "../../domain/investigation/plan-investigation-edit.js";
import { suspenseState } from "../../domain/investigation/suspense.js";
import {
  type InvestigatingOfficer,
  InvestigatingOfficerSchema,
  type Investigation,
  InvestigationSchema,
} from "../../gen/ect/v1/investigation_service_pb.js";
import { type CaseRow, caseInitFromRow } from "../cases/case-row.js";
import type { InvestigationSignature } from "./investigation-signatures.js";
import type { InvestigationRecord, OfficerRow } from "./investigation-store.js";

/** An officer as the API shows them. */
export function officerMessage(officer: OfficerRow, ineligibleReason = ""): InvestigatingOfficer {
  return create(InvestigatingOfficerSchema, {
    username: officer.username,
    userId: officer.user_id,
    displayName: [officer.rank, officer.first_name, officer.last_name].filter(Boolean).join(" "),
    rank: officer.rank,
    grade: officer.grade ?? "",
    unitId: officer.unit_id,
    unitName: officer.unit_name,
    ineligibleReason,
  });
}

/** What the full view adds to the record: the caller as editor and the signatures. */
export interface InvestigationView {
  editor: InvestigationEditor;
  signatures: readonly InvestigationSignature[];
  /**
   * The caller's role may read the report of investigation at the case's status (seeded page access to the
   * Investigation page, administrable like every form page): without it the sections come back empty.
   */
  readable: boolean;
}

/**
 * The Investigation resource of a case: header, suspense counted on `today`, appointments and extensions, and
 * with a `view` the sections and what the caller may do with them (the inbox leaves those out).
 */
export function investigationMessage(
  row: CaseRow,
  record: InvestigationRecord,
  today: string,
  view?: InvestigationView,
): Investigation {
  const init = caseInitFromRow(row);
  const state = suspenseState(record.suspenseDate, today, row.holder_role_id === 13);
  const content = record.content;
  return create(InvestigationSchema, {
    name: `cases/${row.id}/investigation`,
    case: `cases/${row.id}`,
    version: row.version,
    status: init.status,
    investigatingOfficer: officerMessage(record.officer),
    directedBy: record.directedBy,
    directTime: timestampFromDate(record.directedAt),
    directReason: record.directReason,
    suspenseDate: record.suspenseDate,
    daysToSuspense: state.daysToSuspense,
    suspenseOverdue: state.overdue,
    appointments: record.appointments.map((appointment) => ({
      investigatingOfficer: officerMessage(appointment.officer),
      appointedBy: appointment.appointedBy,
      appointTime: timestampFromDate(appointment.appointedAt),
      reason: appointment.reason,
      suspenseDate: appointment.suspenseDate,
      endTime: appointment.endedAt ? timestampFromDate(appointment.endedAt) : undefined,
    })),
    suspenseExtensions: record.extensions.map((extension) => ({
      previousSuspenseDate: extension.previousSuspenseDate,
      suspenseDate: extension.suspenseDate,
      reason: extension.reason,
      extendedBy: extension.extendedBy,
      extendTime: timestampFromDate(extension.extendedAt),
    })),
    caseNumber: row.case_number,
    member: init.member,
    ...(view ? sectionsInit(record, content, view) : {}),
  });
}

function sectionsInit(record: InvestigationRecord, content: InvestigationContent, view: InvestigationView) {
  if (!view.readable) {
    return {
      sections: INVESTIGATION_SECTIONS.map((section) => ({
        section: `investigation.${section.name}`,
        readable: false,
        editable: false,
      })),
    };
  }
  const stamp = (name: keyof InvestigationRecord["stamps"]) => {
    const written = record.stamps[name];
    return written ? { updatedBy: written.updatedBy, updateTime: timestampFromDate(written.updatedAt) } : {};
  };
  const report = content.report;
  const legal = content.legalReview;
  const review = content.appointingAuthorityReview;
  const recommended = optionalText(report.recommendedFinding);
  return {
    report: {
      reportDate: optionalText(report.reportDate),
      investigationOf: optionalText(report.investigationOf),
      memberStatus: optionalText(report.memberStatus),
      inactiveDutyTraining: optionalText(report.inactiveDutyTraining),
      investigationStartDate: optionalText(report.investigationStartDate),
      investigationEndDate: optionalText(report.investigationEndDate),
      place: optionalText(report.place),
      howSustained: optionalText(report.howSustained),
      medicalDiagnosis: optionalText(report.medicalDiagnosis),
      presentForDuty: optionalBool(report.presentForDuty),
      absentWithAuthority: optionalBool(report.absentWithAuthority),
      absentWithoutAuthority: optionalBool(report.absentWithoutAuthority),
      intentionalMisconduct: optionalBool(report.intentionalMisconduct),
      mentallySound: optionalBool(report.mentallySound),
      otherPersons: [...((report.otherPersons ?? []) as readonly OtherPerson[])],
      remarks: optionalText(report.remarks),
      recommendedFinding: recommended,
      recommendedFindingDescription: record.recommendedFindingDescription,
    },
    legalReview: {
      legallySufficient: optionalBool(legal.legallySufficient),
      concur: optionalBool(legal.concur),
      explanation: optionalText(legal.explanation),
      ...stamp("legalReview"),
    },
    appointingAuthorityReview: {
      concur: optionalBool(review.concur),
      explanation: optionalText(review.explanation),
      ...stamp("appointingAuthorityReview"),
    },
    sections: INVESTIGATION_SECTIONS.map((section) => ({
      section: `investigation.${section.name}`,
      readable: true,
      editable: mayEditSection(section, view.editor),
      requiredFields: section.fields
        .filter((field) => field.required)
        .map((field) => `investigation.${section.name}.${field.name}`),
      missingFields: missingInvestigationFields(content, section).map((name) => `investigation.${name}`),
      signatures: view.signatures
        .filter((signature) => signature.sections.includes(section.name))
        .map((signature) => ({
          id: signature.id,
          signer: signature.signer,
          nameAndRank: signature.nameAndRank,
          roleId: signature.roleId,
          roleName: signature.roleName,
          signTime: timestampFromDate(signature.signedAt),
          sections: signature.sections.map((name) => `investigation.${name}`),
          valid: signature.valid,
          invalidateTime: signature.invalidatedAt ? timestampFromDate(signature.invalidatedAt) : undefined,
          invalidatedBy: signature.invalidatedBy,
        })),
    })),
  };
}

function optionalText(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function optionalBool(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}
