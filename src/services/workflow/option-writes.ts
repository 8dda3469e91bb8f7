import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import { invalidArgument, notFound } from "../../errors.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import type { Handler } from "./handler.js";
import { requiredId } from "./request-fields.js";

/** The workflow an option belongs to; NOT_FOUND naming the option otherwise. */
async function workflowOfOption(tx: Queryable, optionId: number): Promise<number> {
  const { rows } = await tx.query<{ workflow_id: number }>(
    "SELECT ws.workflow_id FROM options o JOIN work_statuses ws ON ws.id = o.work_status_id WHERE o.id = $1",
    [optionId],
  );
  if (rows.length === 0) throw notFound("option (step)", optionId);
  return rows[0].workflow_id;
}

/** Replaces the destination option's rows of `table` by copies of the source option's; returns the rows copied. */
async function copyOptionRows(
  tx: Queryable,
  caller: Caller,
  table: "option_actions" | "option_rules",
  destination: number,
  source: number,
): Promise<number> {
  const workflowId = await workflowOfOption(tx, destination);
  await workflowOfOption(tx, source);
  const columns =
    table === "option_actions" ? "action_type_id, target, data" : "rule_type_id, rule_data, check_all";
  const removed = await tx.query(`DELETE FROM ${table} WHERE option_id = $1`, [destination]);
  const copied = await tx.query(
    `INSERT INTO ${table} (option_id, ${columns}) SELECT $1, ${columns} FROM ${table} WHERE option_id = $2 ORDER BY id`,
    [destination, source],
  );
  await recordAudit(tx, {
    entityType: "workflow",
    entityId: workflowId,
    action: table === "option_actions" ? "copy_actions" : "copy_rules",
    actor: caller.username,
    after: {
      sourceOptionId: source,
      destinationOptionId: destination,
      replaced: removed.rowCount,
      copied: copied.rowCount,
    },
  });
  return copied.rowCount;
}

function optionPair(request: { destWsoid?: number; srcWsoid?: number }): [number, number] {
  const destination = requiredId("dest_wsoid", request.destWsoid);
  const source = requiredId("src_wsoid", request.srcWsoid);
  if (destination === source) throw invalidArgument("dest_wsoid", "must differ from src_wsoid");
  return [destination, source];
}

/** Replaces an option's actions by copies of another option's; returns the actions copied. */
export const copyActions: Handler<"copyActions"> = async (db, request, context) => {
  const caller = callerOf(context);
  const [destination, source] = optionPair(request);
  const result = await db.transaction((tx) =>
    copyOptionRows(tx, caller, "option_actions", destination, source),
  );
  return { result };
};

/** Replaces an option's rules by copies of another option's; returns the rules copied. */
export const copyRules: Handler<"copyRules"> = async (db, request, context) => {
  const caller = callerOf(context);
  const [destination, source] = optionPair(request);
  const result = await db.transaction((tx) =>
    copyOptionRows(tx, caller, "option_rules", destination, source),
  );
  return { result };
};

/** Adds an action of a type to an option; returns the new action with its id. */
async function insertOptionActionRow(
  tx: Queryable,
  caller: Caller,
  optionId: number,
  typeId: number,
  target: number,
  data: number,
) {
  const workflowId = await workflowOfOption(tx, optionId);
  const type = await tx.query<{ name: string }>("SELECT name FROM action_types WHERE id = $1", [typeId]);
  if (type.rows.length === 0) throw notFound("action type", typeId);
  const { rows } = await tx.query<{ id: number }>(
    "INSERT INTO option_actions (option_id, action_type_id, target, data) VALUES ($1, $2, $3, $4) RETURNING id",
    [optionId, typeId, target, data],
  );
  await recordAudit(tx, {
    entityType: "workflow",
    entityId: workflowId,
    action: "insert_option_action",
    actor: caller.username,
    after: { actionId: rows[0].id, optionId, typeId, target, data },
  });
  return {
    actionId: rows[0].id,
    type: typeId,
    message: `added ${type.rows[0].name} action ${rows[0].id} to option ${optionId}`,
  };
}

function wholeNumber(field: string, value: number | undefined): number {
  if (value !== undefined && !Number.isInteger(value)) throw invalidArgument(field, "must be an integer");
  return value ?? 0;
}

/** InsertAction: adds an action to a step (step = option). */
export const insertAction: Handler<"insertAction"> = async (db, request, context) => {
  const caller = callerOf(context);
  const typeId = requiredId("type", request.type);
  const optionId = requiredId("step_id", request.stepId);
  const target = wholeNumber("target", request.target);
  const data = wholeNumber("data", request.data);
  const added = await db.transaction((tx) =>
    insertOptionActionRow(tx, caller, optionId, typeId, target, data),
  );
  return {
    items: [{ actionId: added.actionId, type: added.type, stepId: optionId, resultMessage: added.message }],
  };
};

/** InsertOptionAction: adds an action to an option (wsoid). */
export const insertOptionAction: Handler<"insertOptionAction"> = async (db, request, context) => {
  const caller = callerOf(context);
  const typeId = requiredId("type", request.type);
  const optionId = requiredId("wsoid", request.wsoid);
  const target = wholeNumber("target", request.target);
  const data = wholeNumber("data", request.data);
  const added = await db.transaction((tx) =>
    insertOptionActionRow(tx, caller, optionId, typeId, target, data),
  );
  return {
    items: [{ actionId: added.actionId, type: added.type, wsoid: optionId, resultMessage: added.message }],
  };
};
