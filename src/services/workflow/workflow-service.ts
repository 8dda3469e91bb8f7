import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import type { WorkflowService } from "../../gen/workflow/workflow_pb.js";
import type { AnyPagedStream } from "../../streams/paged-stream.js";
import { caseLookups } from "./case-lookups.js";
import { addSignature, insertWorkstatus, updateWorkstatus } from "./case-writes.js";
import { configLookups } from "./config-lookups.js";
import { copyWorkflow } from "./copy-workflow.js";
import type { Handler } from "./handler.js";
import { logLookups } from "./log-lookups.js";
import { deleteLogById, insertLog } from "./log-writes.js";
import { getAllLogsPagination } from "./logs-pagination.js";
import { type AnyLookup, deriveLookup, type LookupPaging, lookupStream } from "./lookup.js";
import { copyActions, copyRules, insertAction, insertOptionAction } from "./option-writes.js";
import { referenceLookups } from "./reference-lookups.js";
import { logout, updateLogin } from "./session-writes.js";
import { statusLookups } from "./status-lookups.js";
import { userLookups } from "./user-lookups.js";
import {
  getMembersUserId,
  registerUser,
  registerUserRole,
  updateAccountStatus,
  updateManagedSettings,
  updateUserAltTitle,
} from "./user-writes.js";
import { deleteStatusCode, insertWorkflow, updateWorkflow } from "./workflow-writes.js";

/** What the WorkflowService needs. */
export interface WorkflowServiceDeps {
  db: Db;
  streaming: LookupPaging;
}

/** Every declared lookup; each becomes a unary RPC and its `<Name>Stream` twin. */
export const lookups: readonly AnyLookup[] = [
  ...userLookups,
  ...caseLookups,
  ...configLookups,
  ...statusLookups,
  ...referenceLookups,
  ...logLookups,
];

/** Hand-written unary RPCs without a stream twin. */
const unaryHandlers = {
  getMembersUserId,
  logout,
  registerUser,
  registerUserRole,
  updateAccountStatus,
  updateManagedSettings,
  updateUserAltTitle,
  insertLog,
  deleteLogById,
  deleteStatusCode,
  copyActions,
  copyRules,
  insertWorkflow,
  updateWorkflow,
  insertWorkstatus,
  updateWorkstatus,
  getAllLogsPagination,
};

/** Hand-written writes whose `<Name>Stream` twin yields the items of the unary response. */
const writesWithTwin = { updateLogin, addSignature, copyWorkflow, insertAction, insertOptionAction };

type AnyHandler = (db: Db, request: unknown, context: HandlerContext) => Promise<unknown>;

/** Every lookup's stream twin as a paged stream, for the page-framed gRPC path. */
export const lookupStreams: readonly AnyPagedStream[] = lookups.map(lookupStream);

/** workflow.WorkflowService: the ECTSystem contract, served from ECT's database and workflow engine. */
export function workflowService(deps: WorkflowServiceDeps): ServiceImpl<typeof WorkflowService> {
  const { db } = deps;
  const impl: Record<string, unknown> = {};
  for (const declaration of lookups) {
    const { unary, stream } = deriveLookup(db, deps.streaming, declaration);
    impl[declaration.name] = unary;
    impl[`${declaration.name}Stream`] = stream;
  }
  for (const [name, handler] of Object.entries(unaryHandlers) as [string, AnyHandler][]) {
    impl[name] = (request: unknown, context: HandlerContext) => handler(db, request, context);
  }
  for (const [name, handler] of Object.entries(writesWithTwin) as [string, AnyHandler][]) {
    impl[name] = (request: unknown, context: HandlerContext) => handler(db, request, context);
    impl[`${name}Stream`] = async function* (request: unknown, context: HandlerContext) {
      const response = (await handler(db, request, context)) as { items: unknown[] };
      yield* response.items;
    };
  }
  return impl as ServiceImpl<typeof WorkflowService>;
}

// Keeps the hand-written handler tables honest: each entry must fit its RPC's request and response.
const _typed: { [K in keyof typeof unaryHandlers]: Handler<K> } & {
  [K in keyof typeof writesWithTwin]: Handler<K>;
} = {
  ...unaryHandlers,
  ...writesWithTwin,
};
void _typed;
