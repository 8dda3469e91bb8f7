import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { caseState } from "../../domain/case-state.js";
import { INVESTIGATING_OFFICER_ROLE_ID } from "../../domain/investigation/investigation-sections.js";
import { suspenseState } from "../../domain/investigation/suspense.js";
import { statusAge } from "../../domain/status-age.js";
import {
  type Case,
  CaseSchema,
  CaseState,
  type CaseStatus,
  CaseStatusSchema,
  Module,
} from "../../gen/ect/v1/resources_pb.js";
import { suspenseCalendar } from "./suspense-calendar.js";

/** The columns every case read selects; one query shape for get, list, stream and watch. */
export const CASE_COLUMNS = `
  c.id, c.case_number, c.module_id, c.workflow_id, w.title AS workflow_title, c.work_status_id,
  ws.status_code_id, sc.description AS status_description, sc.role_id AS holder_role_id,
  hr.name AS holder_role_name, sc.is_final, sc.is_cancel,
  m.id AS member_id, masked_ssn(m.ssn) AS masked_ssn, m.last_name, m.first_name, m.middle_name, m.grade, m.date_of_birth,
  c.unit_id, u.name AS unit_name, u.pas_code,
  ld.incident_description, ld.formal_investigation, f.code AS finding_code,
  lk.user_id AS lock_user_id, lu.username AS lock_username, lk.lock_time,
  c.rwoa_reason, c.cancel_reason, rr.initial_case_id, cu.username AS created_by,
  c.created_at, c.updated_at, c.version,
  to_char(inv.suspense_date, 'YYYY-MM-DD') AS suspense_date, inv.io_user_id, iou.username AS io_username,
  st.start_time AS status_start_time`;

/** Joins behind CASE_COLUMNS; `c` is the cases table. An expired edit lock counts as no lock. */
export const CASE_JOINS = `
  JOIN workflows w ON w.id = c.workflow_id
  JOIN work_statuses ws ON ws.id = c.work_status_id
  JOIN status_codes sc ON sc.id = ws.status_code_id
  LEFT JOIN roles hr ON hr.id = sc.role_id
  JOIN members m ON m.id = c.member_id
  JOIN units u ON u.id = c.unit_id
  LEFT JOIN lod_details ld ON ld.case_id = c.id
  LEFT JOIN findings f ON f.id = ld.finding_id
  LEFT JOIN case_locks lk ON lk.case_id = c.id AND lk.expires_at > now()
  LEFT JOIN users lu ON lu.id = lk.user_id
  LEFT JOIN reinvestigation_requests rr ON rr.case_id = c.id
  JOIN users cu ON cu.id = c.created_by
  LEFT JOIN investigations inv ON inv.case_id = c.id
  LEFT JOIN users iou ON iou.id = inv.io_user_id
  LEFT JOIN LATERAL (SELECT t.start_time FROM tracking t WHERE t.case_id = c.id
                     ORDER BY t.id DESC LIMIT 1) st ON true`;

/** A case row as CASE_COLUMNS returns it. */
export interface CaseRow {
  id: number;
  case_number: string;
  module_id: number;
  workflow_id: number;
  workflow_title: string;
  work_status_id: number;
  status_code_id: number;
  status_description: string;
  holder_role_id: number | null;
  holder_role_name: string | null;
  is_final: boolean;
  is_cancel: boolean;
  member_id: number;
  masked_ssn: string;
  last_name: string;
  first_name: string;
  middle_name: string;
  grade: string;
  date_of_birth: string;
  unit_id: number;
  unit_name: string;
  pas_code: string;
  incident_description: string | null;
  formal_investigation: boolean | null;
  finding_code: string | null;
  lock_user_id: number | null;
  lock_username: string | null;
  lock_time: Date | null;
  rwoa_reason: string;
  cancel_reason: string;
  initial_case_id: number | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  version: number;
  /** Formal investigations: the suspense (YYYY-MM-DD) and the IO appointed now; null on informal cases. */
  suspense_date: string | null;
  io_user_id: number | null;
  io_username: string | null;
  /** When the case entered its current status (its latest tracking row); absent without one. */
  status_start_time?: Date | null;
}

const stateOf = {
  open: CaseState.OPEN,
  completed: CaseState.COMPLETED,
  cancelled: CaseState.CANCELLED,
} as const;

/** The resource name of a case. */
export function caseName(id: number): string {
  return `cases/${id}`;
}

/** The status part of a case row. */
export function statusFromRow(row: {
  work_status_id: number;
  status_code_id: number;
  status_description: string;
  holder_role_id: number | null;
  holder_role_name: string | null;
  is_final: boolean;
  is_cancel: boolean;
}): CaseStatus {
  return create(CaseStatusSchema, statusInitFromRow(row));
}

function statusInitFromRow(
  row: Parameters<typeof statusFromRow>[0],
): MessageInitShape<typeof CaseStatusSchema> {
  return {
    workStatusId: row.work_status_id,
    statusCodeId: row.status_code_id,
    description: row.status_description,
    holderRoleId: row.holder_role_id ?? 0,
    holderRoleName: row.holder_role_name ?? "",
    isFinal: row.is_final,
    isCancel: row.is_cancel,
  };
}

/** A Case as protobuf-es init fields. */
export type CaseInit = MessageInitShape<typeof CaseSchema>;

/** Maps one case row to the API resource; the SSN leaves masked. */
export function caseFromRow(row: CaseRow): Case {
  return create(CaseSchema, caseInitFromRow(row));
}

/**
 * The same mapping as plain init fields, which the compiled gRPC page encoder writes without
 * building a message first (src/grpc-pages/frame-encoder.ts).
 */
export function caseInitFromRow(row: CaseRow): CaseInit {
  const unit = { id: row.unit_id, name: row.unit_name, pasCode: row.pas_code };
  return {
    name: caseName(row.id),
    id: row.id,
    caseNumber: row.case_number,
    module: row.module_id as Module,
    workflowId: row.workflow_id,
    workflowTitle: row.workflow_title,
    status: statusInitFromRow(row),
    state: stateOf[caseState({ isFinal: row.is_final, isCancel: row.is_cancel })],
    member: {
      id: row.member_id,
      maskedSsn: row.masked_ssn,
      lastName: row.last_name,
      firstName: row.first_name,
      middleName: row.middle_name,
      grade: row.grade,
      unit,
      dateOfBirth: row.date_of_birth,
    },
    unit,
    incidentDescription: row.incident_description ?? "",
    formalInvestigation: row.formal_investigation ?? false,
    finding: row.finding_code ?? "",
    lock:
      row.lock_user_id === null
        ? undefined
        : {
            userId: row.lock_user_id,
            username: row.lock_username ?? "",
            lockTime: row.lock_time ? timestampFromDate(row.lock_time) : undefined,
          },
    rwoaReason: row.rwoa_reason,
    cancelReason: row.cancel_reason,
    reinvestigatedCase: row.initial_case_id ? caseName(row.initial_case_id) : "",
    createdBy: row.created_by,
    createTime: timestampFromDate(row.created_at),
    updateTime: timestampFromDate(row.updated_at),
    version: row.version,
    ...suspenseInit(row),
    ...statusAgeInit(row),
  };
}

/** Days in the current status and the overdue badge, counted on the suspense calendar. */
function statusAgeInit(row: CaseRow): Pick<CaseInit, "statusStartTime" | "daysInStatus" | "statusOverdue"> {
  if (!row.status_start_time) return {};
  const age = statusAge(row.status_start_time, suspenseCalendar.clock.today(), !row.is_final);
  return {
    statusStartTime: timestampFromDate(row.status_start_time),
    daysInStatus: age.daysInStatus,
    statusOverdue: age.overdue,
  };
}

/** The suspense fields of a formal case, counted on the suspense calendar; nothing on an informal case. */
function suspenseInit(
  row: CaseRow,
): Pick<CaseInit, "suspenseDate" | "daysToSuspense" | "suspenseOverdue" | "investigatingOfficer"> {
  if (row.suspense_date === null) return {};
  const state = suspenseState(
    row.suspense_date,
    suspenseCalendar.clock.today(),
    row.holder_role_id === INVESTIGATING_OFFICER_ROLE_ID,
  );
  return {
    suspenseDate: row.suspense_date,
    daysToSuspense: state.daysToSuspense,
    suspenseOverdue: state.overdue,
    investigatingOfficer: row.io_username ?? "",
  };
}

export { Module };
