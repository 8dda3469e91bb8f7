import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import { permissionDenied } from "../../errors.js";
import { actingCaller } from "../cases/acting-caller.js";
import type { CaseRow } from "../cases/case-row.js";

/** A document category of a case's workflow and whether the caller may add to it now. */
export interface CategoryAccess {
  id: number;
  code: string;
  name: string;
  systemOnly: boolean;
  mayAdd: boolean;
}

/**
 * The categories of the case's workflow, each with whether the caller, in the role they act in on this case,
 * may add a document of it at the case's status (document_category_access). An administrator (workflowAdmin)
 * may add any category a user may add at any status that has a holder; nobody adds to a system-only one.
 */
export async function caseCategoryAccess(
  db: Queryable,
  caller: Caller,
  row: CaseRow,
): Promise<CategoryAccess[]> {
  const acting = actingCaller(caller, row);
  const administrator = caller.permissions.has("workflowAdmin");
  const { rows } = await db.query<{
    id: number;
    code: string;
    name: string;
    system_only: boolean;
    may_add: boolean;
  }>(
    `SELECT dc.id, dc.code, dc.name, dc.system_only,
            NOT dc.system_only AND EXISTS (
              SELECT 1 FROM document_category_access a
              WHERE a.category_id = dc.id AND a.status_code_id = $2 AND (a.role_id = $3 OR $4)) AS may_add
     FROM document_categories dc
     WHERE dc.workflow_id = $1
     ORDER BY dc.sort_order, dc.id`,
    [row.workflow_id, row.status_code_id, acting.roleId, administrator],
  );
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    systemOnly: r.system_only,
    mayAdd: r.may_add,
  }));
}

/** Refuses an upload into a category the caller may not add to now (PERMISSION_DENIED naming it and why). */
export async function assertMayAddCategory(
  db: Queryable,
  caller: Caller,
  row: CaseRow,
  code: string,
): Promise<void> {
  const category = (await caseCategoryAccess(db, caller, row)).find((c) => c.code === code);
  // An unknown code is left to storeDocument, which names the category field.
  if (!category || category.mayAdd) return;
  if (category.systemOnly) throw permissionDenied(`category ${code}: only the server files these documents`);
  throw permissionDenied(
    `category ${code}: the ${actingCaller(caller, row).roleName} may not add one while the case is at ${row.status_description}`,
  );
}
