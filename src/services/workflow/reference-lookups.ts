import { lookup } from "./lookup.js";
import { optionalId, requiredId } from "./request-fields.js";

/** SQL of a workflow's reasons of one kind, keyset on the reason id. */
const reasonsOfKind = (kind: "cancel" | "rwoa" | "return", extra = "") => `
  SELECT r.id, r.description, r.is_formal, wr.workflow_id FROM workflow_reasons wr JOIN reasons r ON r.id = wr.reason_id
  WHERE ($1::int IS NULL OR r.id > $1::int) AND wr.workflow_id = $3::int AND r.kind = '${kind}' ${extra}
  ORDER BY r.id LIMIT $2`;

interface ReasonRow {
  id: number;
  description: string;
  is_formal: boolean;
  workflow_id: number;
}

/** A workflow's return or RWOA reasons: the two lookups differ only in the kind they read. */
const workflowReasons = (kind: "return" | "rwoa") => ({
  params: (request: { readonly workflowId?: number }) => [requiredId("workflow_id", request.workflowId)],
  sql: reasonsOfKind(kind),
  keyOf: (row: ReasonRow) => row.id,
  item: (row: ReasonRow) => ({ reasonId: row.id, reasonText: row.description, workflowId: row.workflow_id }),
});

/** Reference lists: cancel, return and RWOA reasons, findings and "by reason of". */
export const referenceLookups = [
  lookup({
    name: "getCancelReasons",
    params: (request) => [requiredId("workflow_id", request.workflowId), request.isFormal ?? null],
    // A formal case may use every cancel reason; an informal one only the informal reasons.
    sql: reasonsOfKind("cancel", "AND ($4::boolean IS NULL OR $4::boolean OR NOT r.is_formal)"),
    keyOf: (row: ReasonRow) => row.id,
    item: (row: ReasonRow) => ({ reasonId: row.id, reasonText: row.description, isFormal: row.is_formal }),
  }),
  lookup({ name: "getReturnReasons", ...workflowReasons("return") }),
  lookup({ name: "getRwoaReasons", ...workflowReasons("rwoa") }),
  lookup({
    name: "getFindings",
    params: (request) => [
      requiredId("workflow_id", request.workflowId),
      optionalId("group_id", request.groupId),
    ],
    // A role sees its own wording of a finding where it has one.
    sql: `
      SELECT f.id, wf.workflow_id, coalesce($4::int, 0) AS group_id, coalesce(ft.text, f.description) AS finding_text
      FROM workflow_findings wf JOIN findings f ON f.id = wf.finding_id
      LEFT JOIN finding_texts ft ON ft.finding_id = f.id AND ft.role_id = $4::int
      WHERE ($1::int IS NULL OR f.id > $1::int) AND wf.workflow_id = $3::int ORDER BY f.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; workflow_id: number; group_id: number; finding_text: string }) => ({
      findingId: row.id,
      workflowId: row.workflow_id,
      groupId: row.group_id,
      findingText: row.finding_text,
    }),
  }),
  lookup({
    name: "getAllFindingByReasonOf",
    params: () => [],
    sql: `SELECT id, reason, description FROM finding_reasons WHERE ($1::int IS NULL OR id > $1::int) ORDER BY id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; reason: string; description: string }) => ({
      findingId: row.id,
      reason: row.reason,
      description: row.description,
    }),
  }),
  lookup({
    name: "getFindingByReasonOfById",
    params: (request) => [requiredId("id", request.id)],
    sql: `
      SELECT id, reason, description FROM finding_reasons
      WHERE ($1::int IS NULL OR id > $1::int) AND id = $3::int LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; reason: string; description: string }) => ({
      findingId: row.id,
      reason: row.reason,
      description: row.description,
      id: row.id,
    }),
  }),
];
