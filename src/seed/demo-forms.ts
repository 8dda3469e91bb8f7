import type { Queryable } from "../db/db.js";
import { contentSha256 } from "../domain/form/content-hash.js";
import { formRoleOf, type SectionName } from "../domain/form/form-roles.js";
import { loadDemoActors } from "./demo-actors.js";
import { type DemoCase, demoCase, type SeededLodCase } from "./demo-case.js";
import { writeDemoFormSections } from "./demo-form-sections.js";
import { writeJsonRows } from "./demo-json-rows.js";
import * as ref from "./reference-data.js";

/** Cases planned and written per round: bounds the JSON each statement carries, whatever the demo size. */
const BATCH = 1_000;

/**
 * The history and the AF 348 of every seeded LOD case (issue 16 item 7): the path that brought the case to
 * its status (tracking; returns and cancellations with their reasons), the form filled as far as that path
 * has gone, each role's finding, and signatures bound to the form by the same content hash (contentSha256)
 * the form service checks, so each one reads as valid. Planned in TypeScript per case (demo-case-plan.ts,
 * demo-form-content.ts), written set-based: one statement per table and batch.
 */
export async function seedDemoForms(tx: Queryable, afterCaseId = 0): Promise<void> {
  const actors = await loadDemoActors(tx);
  for (let after = afterCaseId; ; ) {
    const { rows } = await tx.query<SeededLodCase>(
      `SELECT c.id, c.work_status_id, c.created_at, c.updated_at, cm.last_name, cm.first_name, cm.middle_name,
              cm.grade, cm.rank, cm.masked_ssn, cm.unit_id, cm.unit_name, cm.pas_code, cm.component,
              i.direct_reason
       FROM cases c JOIN case_members cm ON cm.case_id = c.id LEFT JOIN investigations i ON i.case_id = c.id
       WHERE c.module_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3`,
      [ref.Module.Lod, after, BATCH],
    );
    if (rows.length === 0) return;
    const cases = rows.map((row) => demoCase(row, actors));
    await writeHistory(tx, cases);
    await writeSignatures(tx, cases);
    await writeDemoFormSections(tx, cases);
    after = rows[rows.length - 1].id;
  }
}

const LOD = { module_id: ref.Module.Lod, workflow_id: ref.Workflow.Lod };

/** The tracking of each case's path, the reasoned moves, and what the case row and its LOD part show of them. */
async function writeHistory(tx: Queryable, cases: readonly DemoCase[]): Promise<void> {
  await writeJsonRows(
    tx,
    `INSERT INTO tracking (case_id, module_id, workflow_id, work_status_id, start_time, end_time, completed_by,
                           action_label, comment)
     SELECT case_id, module_id, workflow_id, work_status_id, start_time, end_time, completed_by, action_label, comment
     FROM jsonb_to_recordset($1::jsonb) AS t (ord int, case_id int, module_id int, workflow_id int,
       work_status_id int, start_time timestamptz, end_time timestamptz, completed_by int, action_label text,
       comment text)
     ORDER BY case_id, ord`,
    cases.flatMap(({ caseId, plan, actorOf }) =>
      plan.steps.map((step, ord) => ({
        ord,
        case_id: caseId,
        ...LOD,
        work_status_id: ref.ws(step.statusCodeId),
        start_time: step.start,
        end_time: step.end,
        completed_by: step.exit && step.roleId !== null ? actorOf(step.roleId).id : null,
        action_label: step.exit?.label ?? "",
        comment: step.exit?.comment ?? "",
      })),
    ),
  );
  // The action log keeps the moves that carry a reason (returns, cancellations), as the legacy Rwoa and
  // cancel logs did; every forward is in the tracking already, and logging it twice would double the cost.
  await writeJsonRows(
    tx,
    `INSERT INTO action_log (case_id, module_id, action, from_status_code_id, to_status_code_id, reason_id, user_id,
                             action_time)
     SELECT case_id, module_id, action, from_status_code_id, to_status_code_id, reason_id, user_id, action_time
     FROM jsonb_to_recordset($1::jsonb) AS a (case_id int, module_id int, action text, from_status_code_id int,
       to_status_code_id int, reason_id int, user_id int, action_time timestamptz)
     ORDER BY case_id, action_time`,
    cases.flatMap(({ caseId, plan, actorOf }) =>
      plan.steps.flatMap((step, index) =>
        step.exit?.reasonId !== undefined && step.roleId !== null
          ? [
              {
                case_id: caseId,
                module_id: LOD.module_id,
                action: step.exit.kind,
                from_status_code_id: step.statusCodeId,
                to_status_code_id: plan.steps[index + 1].statusCodeId,
                reason_id: step.exit.reasonId,
                user_id: actorOf(step.roleId).id,
                action_time: step.end,
              },
            ]
          : [],
      ),
    ),
  );
  await writeJsonRows(
    tx,
    `UPDATE lod_details d SET incident_description = x.incident,
       finding_id = (SELECT f.id FROM findings f WHERE f.code = x.determination)
     FROM jsonb_to_recordset($1::jsonb) AS x (case_id int, incident text, determination text)
     WHERE d.case_id = x.case_id`,
    cases.map(({ caseId, incident, determination }) => ({
      case_id: caseId,
      incident,
      determination,
    })),
  );
  await writeJsonRows(
    tx,
    `UPDATE cases c SET rwoa_reason = x.rwoa_reason, cancel_reason = x.cancel_reason
     FROM jsonb_to_recordset($1::jsonb) AS x (case_id int, rwoa_reason text, cancel_reason text)
     WHERE c.id = x.case_id`,
    cases
      .filter(({ plan }) => plan.rwoaReason !== "" || plan.cancelReason !== "")
      .map(({ caseId, plan }) => ({
        case_id: caseId,
        rwoa_reason: plan.rwoaReason,
        cancel_reason: plan.cancelReason,
      })),
  );
}

/** Each standing signature, bound to the sections its role signs by the hash of their content as seeded. */
async function writeSignatures(tx: Queryable, cases: readonly DemoCase[]): Promise<void> {
  await writeJsonRows(
    tx,
    `INSERT INTO signatures (case_id, module_id, workflow_id, work_status_id, role_id, user_id, signed_at,
                             name_and_rank, title, content_sha256, sections)
     SELECT case_id, module_id, workflow_id, work_status_id, role_id, user_id, signed_at, name_and_rank, title,
            content_sha256, sections
     FROM jsonb_to_recordset($1::jsonb) AS s (case_id int, module_id int, workflow_id int, work_status_id int,
       role_id int, user_id int, signed_at timestamptz, name_and_rank text, title text, content_sha256 text,
       sections text[])
     ORDER BY signed_at`,
    cases.flatMap(({ caseId, plan, form, actorOf }) => {
      // A role signs more than once (again after a return): hash each role's entries once per case.
      const hashes = new Map<number, string>();
      const hashOf = (roleId: number, sections: readonly SectionName[]) => {
        const hash = hashes.get(roleId) ?? contentSha256(form, sections, formRoleOf(roleId)?.key);
        hashes.set(roleId, hash);
        return hash;
      };
      return plan.signatures.map((signature) => {
        const actor = actorOf(signature.roleId);
        const sections = formRoleOf(signature.roleId)?.signatureCovers ?? [];
        return {
          case_id: caseId,
          ...LOD,
          work_status_id: ref.ws(signature.statusCodeId),
          role_id: signature.roleId,
          user_id: actor.id,
          signed_at: signature.at,
          name_and_rank: actor.nameAndRank,
          title: actor.title,
          content_sha256: hashOf(signature.roleId, sections),
          sections,
        };
      });
    }),
  );
}
