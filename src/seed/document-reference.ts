import type { Queryable } from "../db/db.js";
import { insertRows } from "./insert-rows.js";
import { statusCodes, Workflow } from "./reference-data.js";

/**
 * Document categories per workflow: [workflowId, code, name, systemOnly, statuses at which the role holding
 * the status may add one]. The memo categories are system-only: the server files them (the determination memo
 * when the approving authority decides, the appointment memo when an IO is appointed). Migration 015 adds the
 * same rows to databases seeded before it.
 */
export const documentCategories: [number, string, string, boolean, number[]][] = [
  [Workflow.Lod, "medical_records", "Medical Records", false, [10, 11, 15, 16, 24, 25]],
  [Workflow.Lod, "orders", "Orders", false, [10, 12, 15, 24]],
  [Workflow.Lod, "witness_statements", "Witness Statements", false, [12, 15, 21, 24]],
  [Workflow.Lod, "police_report", "Police or Accident Report", false, [12, 15, 21, 24]],
  [Workflow.Lod, "investigation_report", "Investigation Report", false, [21]],
  [Workflow.Lod, "other", "Other", false, [10, 11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26, 27]],
  [Workflow.Lod, "determination_memo", "Determination Memo", true, []],
  [Workflow.Lod, "appointment_memo", "IO Appointment Memo", true, []],
  [Workflow.Reinvestigation, "medical_records", "Medical Records", false, [30, 33]],
  [Workflow.Reinvestigation, "orders", "Orders", false, [30, 33]],
  [Workflow.Reinvestigation, "other", "Other", false, [30, 31, 32, 33, 34]],
  [Workflow.Reinvestigation, "determination_memo", "Determination Memo", true, []],
];

/** Required documents: [optionId, workflowId, category code]. Medical records before the medical officer forwards. */
export const requiredDocuments: [number, number, string][] = [[2, Workflow.Lod, "medical_records"]];

/** Inserts the document categories, who may add them where, and the required-document rules. */
export async function seedDocumentReference(tx: Queryable): Promise<void> {
  const ids = new Map<string, number>();
  for (const [workflowId, code, name, systemOnly] of documentCategories) {
    // Listed in declaration order within each workflow.
    const sortOrder =
      documentCategories.filter(([w]) => w === workflowId).findIndex(([, c]) => c === code) + 1;
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO document_categories (workflow_id, code, name, system_only, sort_order)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [workflowId, code, name, systemOnly, sortOrder],
    );
    ids.set(`${workflowId}/${code}`, rows[0].id);
  }
  const holder = new Map(statusCodes.map(([id, , , role]) => [id, role]));
  await insertRows(
    tx,
    "document_category_access",
    ["category_id", "status_code_id", "role_id"],
    documentCategories.flatMap(([workflowId, code, , , statuses]) =>
      statuses.flatMap((status) => {
        const role = holder.get(status);
        return role ? [[ids.get(`${workflowId}/${code}`), status, role]] : [];
      }),
    ),
  );
  await insertRows(
    tx,
    "required_documents",
    ["option_id", "category_id"],
    requiredDocuments.map(([optionId, workflowId, code]) => [optionId, ids.get(`${workflowId}/${code}`)]),
  );
}
