import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { openOptions } from "../../domain/next-actions.js";
import { recordableFindings } from "../../domain/recordable-findings.js";
import type { GetNextActionsResponseSchema } from "../../gen/ect/v1/case_service_pb.js";
import { ActionKind } from "../../gen/ect/v1/resources_pb.js";
import { actingCaller } from "./acting-caller.js";
import { actorOf } from "./case-moves.js";
import { loadCaseRow } from "./case-queries.js";
import { statusFromRow } from "./case-row.js";
import { loadCaseFacts, loadFindings, loadOptions, loadReasons } from "./workflow-config.js";

const kindOf = { advance: ActionKind.ADVANCE, return: ActionKind.RETURN, cancel: ActionKind.CANCEL } as const;

/**
 * GetNextActions: the options open to the caller at the case's status, each with its target status,
 * the reasons and findings those options ask for (the findings the holding role may record), and the
 * earlier statuses a return may go back to, nearest first.
 */
export async function getNextActions(
  db: Db,
  user: Caller,
  caseId: number,
): Promise<MessageInitShape<typeof GetNextActionsResponseSchema>> {
  const row = await loadCaseRow(db, user, caseId);
  const caller = actingCaller(user, row);
  const facts = await loadCaseFacts(db, row);
  const [options, rwoa, cancel, findings] = await Promise.all([
    loadOptions(db, row.work_status_id),
    loadReasons(db, row.workflow_id, "rwoa"),
    loadReasons(db, row.workflow_id, "cancel"),
    loadFindings(db, row.workflow_id, caller.roleId),
  ]);
  const open = openOptions(facts, actorOf(caller), options);
  const targets = await db.query<Parameters<typeof statusFromRow>[0]>(
    `SELECT ws.id AS work_status_id, ws.status_code_id, sc.description AS status_description,
            sc.role_id AS holder_role_id, r.name AS holder_role_name, sc.is_final, sc.is_cancel
     FROM work_statuses ws JOIN status_codes sc ON sc.id = ws.status_code_id LEFT JOIN roles r ON r.id = sc.role_id
     WHERE ws.id = ANY($1::int[])`,
    [open.map(({ option }) => option.toWorkStatusId)],
  );
  const statusById = new Map(targets.rows.map((target) => [target.work_status_id, statusFromRow(target)]));
  const hasKind = (kind: string) => open.some(({ option }) => option.kind === kind);
  return {
    actions: open.map(({ option, requiresSignature, requiresFinding }) => ({
      optionId: option.id,
      label: option.label,
      kind: kindOf[option.kind],
      targetStatus: statusById.get(option.toWorkStatusId),
      requiresSignature,
      requiresFinding,
    })),
    rwoaReasons: hasKind("return") ? rwoa : [],
    cancelReasons: hasKind("cancel") ? cancel : [],
    findings: open.some((entry) => entry.requiresFinding)
      ? recordableFindings(findings, facts.holderRoleId)
      : [],
    returnTargets: open
      .filter(({ option }) => option.kind === "return")
      .flatMap(({ option }) => statusById.get(option.toWorkStatusId) ?? []),
    signedByCaller: facts.signedRoleIds.has(caller.roleId),
  };
}
